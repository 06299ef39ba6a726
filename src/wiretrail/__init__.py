"""wiretrail."""
