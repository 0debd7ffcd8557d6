/** The adapter form: pick an adapter, edit its spec fields and the job's resources; preflight or submit. */
import { useState } from 'preact/hooks';
import { actionKey } from '../api/client.ts';
import { preflightRoute, submitJobRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue, numberOrText } from '../ui/form.tsx';
import { Section } from '../ui/bits.tsx';
import { go } from '../router.ts';
import { ADAPTER_SPECS, kindOf, textOf, valueOf } from './adapter-specs.ts';

type Fields = Record<string, string>;
const fieldsFor = (adapter: string): Fields => Object.fromEntries(Object.entries(ADAPTER_SPECS[adapter] ?? {}).map(([k, v]) => [k, textOf(v)]));

export function JobForm({ onSubmitted }: { onSubmitted(): void }) {
  const [adapter, setAdapter] = useState('render');
  const [fields, setFields] = useState<Fields>(fieldsFor('render'));
  const [resources, setResources] = useState({ timeoutMs: '20000', memoryMb: '256', cpuUnits: '', network: '' });
  const starter = ADAPTER_SPECS[adapter] ?? {};
  const spec = Object.fromEntries(
    Object.entries(fields)
      .map(([k, t]) => [k, valueOf(starter[k] !== undefined ? kindOf(starter[k]!) : 'json', t)] as const)
      .filter(([, v]) => v !== undefined),
  );
  const body = () => ({
    adapter,
    spec,
    ...Object.fromEntries(
      (['timeoutMs', 'memoryMb', 'cpuUnits'] as const).flatMap((k) => (resources[k].trim() ? [[k, numberOrText(resources[k]) as number]] : [])),
    ),
    ...(resources.network ? { network: resources.network as 'none' | 'exchange' } : {}),
  });
  const submit = useAction(() => call(submitJobRoute, { body: body(), idempotencyKey: actionKey() }));
  const preflight = useAction(() => call(preflightRoute, { body: body() }));
  const error = submit.error ?? preflight.error;
  const setRes = (k: keyof typeof resources) => (e: Event) => setResources({ ...resources, [k]: inputValue(e) });

  return (
    <Section title="Submit a job">
      <form
        class="job-form"
        onSubmit={async (e) => {
          e.preventDefault();
          preflight.clear();
          const job = await submit.run();
          if (job) {
            onSubmitted();
            go('job', job.jobId);
          }
        }}
      >
        <Field label="adapter" path="body.adapter" error={error}>
          <select
            name="adapter"
            value={adapter}
            onChange={(e) => {
              const a = inputValue(e);
              setAdapter(a);
              setFields(fieldsFor(a));
            }}
          >
            {Object.keys(ADAPTER_SPECS).map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
        <fieldset>
          <legend>spec</legend>
          {Object.entries(fields).map(([k, text]) => {
            const kind = starter[k] !== undefined ? kindOf(starter[k]!) : 'json';
            const set = (v: string) => setFields({ ...fields, [k]: v });
            return (
              <Field key={`${adapter}.${k}`} label={k} path={`body.spec.${k}`} error={error} {...(kind === 'json' ? { hint: 'JSON' } : {})}>
                {kind === 'boolean' ? (
                  <input
                    type="checkbox"
                    name={`spec.${k}`}
                    checked={text === 'true'}
                    onChange={(e) => set(String((e.currentTarget as HTMLInputElement).checked))}
                  />
                ) : (
                  <input name={`spec.${k}`} class={kind === 'json' ? 'mono wide' : ''} value={text} onInput={(e) => set(inputValue(e))} />
                )}
              </Field>
            );
          })}
        </fieldset>
        <fieldset class="form-row">
          <legend>resources</legend>
          <Field label="timeout (ms)" path="body.timeoutMs" error={error}>
            <input name="timeoutMs" value={resources.timeoutMs} onInput={setRes('timeoutMs')} />
          </Field>
          <Field label="memory (MB)" path="body.memoryMb" error={error}>
            <input name="memoryMb" value={resources.memoryMb} onInput={setRes('memoryMb')} />
          </Field>
          <Field label="CPU units" path="body.cpuUnits" error={error}>
            <input name="cpuUnits" placeholder="1024" value={resources.cpuUnits} onInput={setRes('cpuUnits')} />
          </Field>
          <Field label="network" path="body.network" error={error}>
            <select name="network" value={resources.network} onChange={setRes('network')}>
              <option value="">default (none)</option>
              <option value="none">none</option>
              <option value="exchange">exchange</option>
            </select>
          </Field>
        </fieldset>
        <details>
          <summary>request body</summary>
          <pre class="mono">{JSON.stringify(body(), null, 2)}</pre>
        </details>
        <div class="actions">
          <button type="button" disabled={preflight.busy} onClick={() => (submit.clear(), void preflight.run())}>
            Preflight
          </button>
          <button type="submit" class="primary" disabled={submit.busy}>
            Submit
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {preflight.result ? (
        <p class="ok" data-preflight="accepted">
          Accepted: {preflight.result.gpuMinutes} GPU-minutes of quota, image <code>{preflight.result.plan.image}</code>, strategy{' '}
          {preflight.result.plan.strategy}, {preflight.result.profile.numGpus} GPU.
        </p>
      ) : null}
    </Section>
  );
}
