"""Cameo capture verification: pure Python (PyAV, dlib, numpy), no Django.

The lead's Celery task calls `verify_capture` for a person's clip and
`verify_character_image` for a pet or object photo, and stores what comes
back. `face_embedding` gives the same descriptor for any RGB image, `faces_in`
every face of a photo with its descriptor, `read_image` a checked decode.
"""

from .capture import LIKENESS_THRESHOLD, verify_capture
from .character import faces_in, read_image, verify_character_image
from .faces import face_embedding, warm_up
from .liveness import MOVES
from .result import REASONS, CharacterResult, VerificationResult

__all__ = [
    "LIKENESS_THRESHOLD",
    "MOVES",
    "REASONS",
    "CharacterResult",
    "VerificationResult",
    "face_embedding",
    "faces_in",
    "read_image",
    "verify_capture",
    "verify_character_image",
    "warm_up",
]
