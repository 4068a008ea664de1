"""Members' recordings (hummed, sung, played) read into MIDI by a learned transcription model.

``listen`` is the /listen generator; ``_pipeline.hear`` is what /riff uses for recordings too.
"""
