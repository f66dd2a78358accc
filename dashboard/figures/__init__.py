"""Figure builders: pure functions, DataFrame in, Plotly figure out. Unit-tested without a browser."""
