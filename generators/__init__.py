"""Pure, deterministic makers of images and music; nothing here knows about chat."""
