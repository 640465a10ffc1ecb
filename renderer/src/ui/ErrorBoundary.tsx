// A view that fails to render says so in its own place, and the rest of the app carries on.
import { Component, type ReactNode } from 'react';

interface Props {
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error" role="alert" data-testid="view-error">
        The {this.props.what} could not be shown: {this.state.error.message}{' '}
        <button onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
