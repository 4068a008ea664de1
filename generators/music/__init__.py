"""Music generators."""
