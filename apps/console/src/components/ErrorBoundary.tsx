import { Component, ReactNode } from 'react';

/** A page that throws while rendering shows what went wrong and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <section role="alert" className="notice error">
        <h1 tabIndex={-1}>This page failed to display</h1>
        <p>
          <code>{this.state.error.name}</code> {this.state.error.message}
        </p>
        <p>
          <a href="/app/batches">Back to the batches</a>
        </p>
      </section>
    );
  }
}
