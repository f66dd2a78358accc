"""Pure functions that return layout trees. No callbacks, no data access."""
