"""Reading, checking and loading the plan and the extracts. No Dash here: the CLI uses it too."""
