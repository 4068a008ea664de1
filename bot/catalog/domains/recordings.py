"""/listen: a member's recording (hummed, sung or played) becomes a music sketch every music command builds on.

Results are of kind ``music``, so they get the music buttons declared in ``music.py`` (Continue,
Harmonize, +Bass…); this module adds no buttons of its own.
"""

from __future__ import annotations

from bot.catalog.spec import Command, Option, OptionType
from generators.listen._formats import AUDIO_MIMES, MAX_SECONDS, RECORDING_LIMIT, SLACK_LIMIT
from generators.music.score import METERS

_MB = 1024 * 1024
FILE = Option("file", OptionType.FILE,
              f"Your recording: WAV, FLAC, OGG/Opus, MP3 or AAC/M4A, up to {MAX_SECONDS} s and "
              f"{RECORDING_LIMIT // _MB} MB ({SLACK_LIMIT // _MB} MB on Slack)",
              required=True, mimes=AUDIO_MIMES, max_bytes=RECORDING_LIMIT)
QUANTIZE = Option("quantize", OptionType.CHOICE, "Snap notes to a grid: off, 1/8, 1/16 or triplets",
                  default="1/16", choices=("off", "1/8", "1/16", "triplets"),
                  aliases={"none": "off", "no": "off", "8th": "1/8", "eighths": "1/8", "16th": "1/16",
                           "sixteenths": "1/16", "triplet": "triplets", "1/12": "triplets"})
KIND = Option("kind", OptionType.CHOICE, "What you recorded: a voice (humming, singing) or an instrument",
              default="auto", choices=("auto", "voice", "instrument"),
              aliases={"hum": "voice", "humming": "voice", "singing": "voice", "sung": "voice", "vocal": "voice",
                       "piano": "instrument", "guitar": "instrument", "played": "instrument"})
TEMPO = Option("tempo", OptionType.INTEGER, "Beats per minute, if you know it (else estimated)", min=40, max=240)
METER = Option("meter", OptionType.CHOICE, "Time signature, if you know it (else guessed)", choices=tuple(METERS))
SEED = Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1)

COMMANDS = [
    Command(
        name="listen",
        description=f"Your recording (hum, sing, play; up to {MAX_SECONDS} s) as MIDI with its key, tempo and meter",
        options=(FILE, QUANTIZE, KIND, TEMPO, METER, SEED),
        generator="listen.transcribe",
        group="music",
        examples=("/listen file:<voice-memo.m4a>", "/listen file:<take.wav> kind:voice quantize:1/8 tempo:90"),
    ),
]
