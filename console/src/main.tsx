/** Entry: resume a key kept in this tab, then render the shell. */
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';
import { resume } from './session.ts';

const root = document.getElementById('app')!;
void resume().finally(() => render(<App />, root));
