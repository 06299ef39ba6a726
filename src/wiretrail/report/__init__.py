"""Reports and exports read from the store."""
