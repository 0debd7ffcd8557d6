/** Sign-in: paste an API key; it is checked with whoami and kept in this tab only. */
import { useState } from 'preact/hooks';
import { signIn } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { inputValue } from '../ui/form.tsx';

export function SignIn() {
  const [key, setKey] = useState('');
  const go = useAction((k: string) => signIn(k));
  return (
    <main class="sign-in" data-view="sign-in">
      <h1>VR-ACU console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void go.run(key);
        }}
      >
        <label class="field">
          <span class="field-label">API key</span>
          <input name="apiKey" type="password" autoComplete="off" spellcheck={false} value={key} onInput={(e) => setKey(inputValue(e))} placeholder="vracu_…" />
        </label>
        <button type="submit" class="primary" disabled={go.busy}>
          Sign in
        </button>
        <p class="muted">The key stays in this tab (session storage) and is sent as X-API-Key; closing the tab forgets it.</p>
      </form>
      <ErrorBox error={go.error} />
    </main>
  );
}
