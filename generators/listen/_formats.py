"""What counts as a recording, kept free of heavy imports so the catalog can read it at start-up."""

from __future__ import annotations

#: Byte limit of one recording (Slack's download limit in our client is lower: SLACK_LIMIT).
RECORDING_LIMIT = 10 * 1024 * 1024
SLACK_LIMIT = 8 * 1024 * 1024
MAX_SECONDS = 60
AUDIO_MIMES = (
    "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/flac", "audio/x-flac", "audio/ogg",
    "audio/opus", "audio/mpeg", "audio/mp3", "audio/aac", "audio/x-aac", "audio/mp4", "audio/x-m4a", "audio/m4a",
    "audio/webm", "audio/aiff", "audio/x-aiff", "audio/3gpp",
    # phones and browsers label sound-only recordings as video by their container (.mp4, .webm, .3gp);
    # the decoder reads the streams and refuses a real video with one line
    "video/mp4", "video/webm", "video/3gpp",
    "application/octet-stream",
)
AUDIO_SUFFIXES = (".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aac", ".m4a", ".mp4", ".webm",
                  ".aif", ".aiff", ".3gp")
MIDI_MIMES = ("audio/midi", "audio/x-midi", "audio/mid", "application/x-midi")
