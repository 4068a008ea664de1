"""Audio generators."""
