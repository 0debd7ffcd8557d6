/** The shell: sign-in, or the nav of the views the principal's roles allow and the current view. */
import { Component, type ComponentChildren } from 'preact';
import { can, principal, signOut } from './session.ts';
import { place, href } from './router.ts';
import { VIEWS } from './views.tsx';
import { SignIn } from './views/sign-in.tsx';
import { ErrorBox } from './ui/error.tsx';

/** A view that throws shows what broke instead of a blank page. */
class Guard extends Component<{ children: ComponentChildren; view: string }, { error: Error | null }> {
  override state = { error: null as Error | null };
  override componentDidCatch(error: Error) {
    this.setState({ error });
  }
  override componentDidUpdate(prev: { view: string }) {
    if (prev.view !== this.props.view && this.state.error) this.setState({ error: null });
  }
  override render() {
    return this.state.error ? <ErrorBox error={{ title: 'this view failed', detail: this.state.error.message, fields: [] }} /> : this.props.children;
  }
}

const GROUPS = { market: '', buyer: 'Buyer', provider: 'Provider', operator: 'Operator', admin: 'Admin' } as const;

export function App() {
  const me = principal.value;
  if (!me) return <SignIn />;
  const visible = VIEWS.filter((v) => can(v.access, me));
  const current = visible.find((v) => v.id === place.value.view) ?? visible[0]!;
  const groups = Object.entries(GROUPS).filter(([g]) => visible.some((v) => v.group === g && !v.hidden));
  return (
    <div class="shell" data-roles={me.roles.join(',')}>
      <nav class="nav" aria-label="views">
        <div class="brand">VR-ACU</div>
        {groups.map(([g, label]) => (
          <div key={g} class="nav-group">
            {label ? <div class="nav-label">{label}</div> : null}
            {visible
              .filter((v) => v.group === g && !v.hidden)
              .map((v) => (
                <a key={v.id} href={href(v.id)} class={v.id === current.id ? 'on' : ''} data-nav={v.id}>
                  {v.title}
                </a>
              ))}
          </div>
        ))}
        <div class="who" data-principal={me.principalId}>
          <div>
            <code>{me.principalId}</code>
          </div>
          <div class="muted">
            {me.roles.join(', ')} · {me.tenant}
          </div>
          <button
            onClick={() => {
              signOut();
              location.hash = '';
            }}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main class="main">
        <h1>{current.title}</h1>
        <Guard view={current.id}>{current.render(place.value.arg)}</Guard>
      </main>
    </div>
  );
}
