"""Media for generated videos: upscale, watermark, soundtrack, MP4 encoding, probing.

Pure functions over numpy arrays and paths (no Django, no ORM). The pipeline
order is: upscale -> burn_watermark -> invisible.embed -> synth_audio -> encode_mp4 -> poster,
then ``generation.provenance.sign_mp4`` and the output checks (probe,
watermark_present and invisible.read_in_place on decode_frames).
"""

from generation.media import invisible
from generation.media.audio import SCENES, audio_length, scene_from_prompt, synth_audio
from generation.media.encode import encode_mp4, poster
from generation.media.probe import decode_audio, decode_frames, is_faststart, probe
from generation.media.upscale import output_frame_count, output_size, upscale
from generation.media.watermark import burn_watermark, watermark_present, watermark_score

__all__ = [
    "SCENES",
    "audio_length",
    "burn_watermark",
    "decode_audio",
    "decode_frames",
    "encode_mp4",
    "invisible",
    "is_faststart",
    "output_frame_count",
    "output_size",
    "poster",
    "probe",
    "scene_from_prompt",
    "synth_audio",
    "upscale",
    "watermark_present",
    "watermark_score",
]
