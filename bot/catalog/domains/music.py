"""Music commands: sketches, beats, parts added by members, variations, members' own MIDI, exports."""

from __future__ import annotations

from bot.catalog.spec import Command, FollowUp, Option, OptionType
from generators.base import KIND_MUSIC
from generators.listen._formats import AUDIO_MIMES, RECORDING_LIMIT
from generators.music.drums import BEAT_GENRES
from generators.music.mood import GENRE_ALIASES, GENRES
from generators.music.score import METERS
from generators.music.theory import INSTRUMENT_ALIASES, INSTRUMENTS

PROMPT_LIMIT = 1000
MIDI_MIMES = ("audio/midi", "audio/x-midi", "audio/mid", "application/x-midi", "application/octet-stream")
PARTS = ("chords", "bass", "drums", "counter-melody", "arpeggio", "pad")
#: Key examples for help and autocomplete; any tonic and mode is accepted ("Bb lydian").
KEY_SUGGESTIONS = ("C major", "A minor", "D minor", "F# major", "E dorian", "A mixolydian", "G major", "E minor",
                   "Bb major", "F minor", "D dorian", "C lydian", "E phrygian")

SEED = Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1)
TO = Option("to", OptionType.ARTIFACT, "The sketch to build on (default: the thread's latest)", default="latest",
            kinds=(KIND_MUSIC,))
KEY = Option("key", OptionType.STRING, "Tonic and mode, e.g. 'D minor', 'F# major', 'E dorian'", max_length=24)
TEMPO = Option("tempo", OptionType.INTEGER, "Beats per minute", min=40, max=240)
METER = Option("meter", OptionType.CHOICE, "Time signature", choices=tuple(METERS))
BARS = Option("bars", OptionType.INTEGER, "Length in bars", default=8, min=1, max=32)
_genre_aliases = {k: v for k, v in GENRE_ALIASES.items() if v in GENRES}

COMMANDS = [
    Command(
        name="melody",
        description="A short multi-part music sketch: melody, chords, bass (and drums when the genre wants them)",
        options=(
            Option("prompt", OptionType.STRING, "Mood words, e.g. 'wistful rainy lofi'", max_length=PROMPT_LIMIT),
            KEY, TEMPO, METER, BARS,
            Option("instrument", OptionType.CHOICE, "The melody's General MIDI instrument",
                   choices=tuple(INSTRUMENTS), aliases={k: v for k, v in INSTRUMENT_ALIASES.items()}),
            Option("genre", OptionType.CHOICE, "Style of the accompaniment", choices=GENRES, aliases=_genre_aliases),
            SEED,
        ),
        generator="music.melody",
        bare="prompt",
        group="music",
        examples=('/melody prompt:"wistful rainy lofi" key:"D minor"', "/melody sunny folk tempo:100 bars:16"),
    ),
    Command(
        name="beat",
        description="A drum groove on GM channel 10: rock, hip-hop, house, lofi, jazz, bossa-nova, breakbeat…",
        options=(
            Option("genre", OptionType.CHOICE, "Groove style", choices=BEAT_GENRES,
                   aliases={k: v for k, v in _genre_aliases.items() if v in BEAT_GENRES}),
            TEMPO, METER, Option("bars", OptionType.INTEGER, "Length in bars", default=4, min=1, max=32), SEED,
        ),
        generator="music.beat",
        group="music",
        examples=("/beat genre:house tempo:124", "/beat genre:bossa-nova bars:8"),
    ),
    Command(
        name="layer",
        description="Add a part to a music sketch (chords, bass, drums, counter-melody, arpeggio, pad)",
        options=(Option("part", OptionType.CHOICE, "The part to add", required=True, choices=PARTS,
                        aliases={"counter": "counter-melody", "countermelody": "counter-melody", "arp": "arpeggio",
                                 "beat": "drums", "harmony": "chords"}),
                 TO, SEED),
        action="layer:{part}",
        group="music",
        examples=("/layer part:bass", "/layer part:counter-melody to:a_123"),
    ),
    Command(
        name="continue",
        description="Continue a music sketch in its own style (intervals, rhythm, swing), resolving to the tonic",
        options=(TO, Option("bars", OptionType.INTEGER, "Bars to add", default=4, min=1, max=16), SEED),
        action="continue",
        group="music",
        examples=("/continue", "/continue bars:8"),
    ),
    Command(
        name="harmonize",
        description="Four-part harmony under a sketch's melody (new alto, tenor and bass), learned from Bach chorales",
        options=(TO, SEED),
        action="harmonize",
        group="music",
        examples=("/harmonize",),
    ),
    Command(
        name="drumify",
        description="A drum groove that follows a sketch's rhythm",
        options=(TO, SEED),
        action="drumify",
        group="music",
        examples=("/drumify",),
    ),
    Command(
        name="interpolate",
        description="Morph between two members' sketches, step by step",
        options=(
            Option("a", OptionType.ARTIFACT, "The sketch to start from", required=True, kinds=(KIND_MUSIC,)),
            Option("b", OptionType.ARTIFACT, "The sketch to arrive at", required=True, kinds=(KIND_MUSIC,)),
            Option("steps", OptionType.INTEGER, "Two-bar steps from a to b", default=4, min=2, max=8),
            SEED,
        ),
        generator="music.interpolate",
        action="interpolate",
        group="music",
        examples=("/interpolate a:a_12 b:a_34", "/interpolate a:a_12 b:a_34 steps:6"),
    ),
    Command(
        name="riff",
        description="Your own MIDI file (≤ 1 MB) or recording (≤ 60 s): vary, continue, harmonize or drumify it",
        options=(
            Option("file", OptionType.FILE, "Your .mid file, or a recording (WAV, FLAC, OGG, MP3, M4A) to transcribe",
                   required=True, mimes=MIDI_MIMES + tuple(m for m in AUDIO_MIMES if m not in MIDI_MIMES),
                   max_bytes=RECORDING_LIMIT),  # riff.py refuses MIDI files over 1 MB
            Option("action", OptionType.CHOICE, "What to do with it", default="vary",
                   choices=("vary", "continue", "harmonize", "drumify"), aliases={"harmonise": "harmonize"}),
            Option("bars", OptionType.INTEGER, "Bars to add with action:continue", default=4, min=1, max=16),
            SEED,
        ),
        generator="music.riff",
        action="riff",
        group="music",
        examples=("/riff file:<your.mid>", "/riff file:<your.mid> action:harmonize",
                  "/riff file:<hum.m4a> action:continue bars:8"),
    ),
    Command(
        name="export",
        description="Export a music sketch as WAV, MP3 or a zip of one MIDI file per part (stems)",
        options=(TO, Option("as", OptionType.CHOICE, "File type", default="wav", choices=("wav", "mp3", "stems"))),
        action="export",
        group="music",
        examples=("/export as:wav", "/export to:a_123 as:stems"),
    ),
]

FOLLOW_UPS = {
    KIND_MUSIC: (
        FollowUp("Vary", "vary", {}, description="A variation that keeps the motif"),
        FollowUp("Continue", "continue", {"bars": 4}, description="Four more bars in the same style"),
        FollowUp("+Bass", "layer", {"part": "bass"}, description="Add a bass line"),
        FollowUp("+Drums", "layer", {"part": "drums"}, description="Add drums"),
        FollowUp("Harmonize", "harmonize", {}, description="Alto, tenor and bass under the melody"),
        FollowUp("+Counter-melody", "layer", {"part": "counter-melody"}, row=1, description="A second voice"),
        FollowUp("+Pad", "layer", {"part": "pad"}, row=1, description="A soft sustained bed"),
        FollowUp("Drumify", "drumify", {}, row=1, description="Drums from the melody's rhythm"),
        FollowUp("WAV", "export", {"as": "wav"}, row=1, description="Download the preview as WAV"),
        FollowUp("Stems", "export", {"as": "stems"}, row=1, description="One MIDI file per part"),
    ),
}
