"""The command line as a platform: `jamroom try` submits one command and waits for its delivery."""
