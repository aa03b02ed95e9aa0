from rest_framework import serializers

from sora_social.fields import StrictCharField, StrictIntegerField
from videos.serializers import VideoOut

from .models import Aspect, Extend, GenerationImage, GenerationJob


class GenerationIn(serializers.Serializer):
    prompt = StrictCharField(max_length=1000, min_length=3, trim_whitespace=True)
    cameos = serializers.ListField(child=StrictCharField(max_length=64), required=False, max_length=3)
    remix_of = StrictCharField(max_length=64, required=False, allow_null=True)
    seed = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    duration_s = StrictIntegerField(required=False, min_value=2, max_value=8, default=4)
    aspect = serializers.ChoiceField(choices=Aspect.choices, required=False, default=Aspect.SQUARE)
    image = StrictCharField(
        max_length=64,
        required=False,
        allow_null=True,
        help_text="An id from POST /generations/images: the video starts from that picture.",
    )

    def validate(self, attrs):
        if attrs.get("image") and attrs.get("remix_of"):
            raise serializers.ValidationError({"image": "Start from a picture or remix a video, not both."})
        return attrs


class ImageIn(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=False, help_text="JPEG, PNG or WebP, up to 10 MB.")


class ImageOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    cameos = serializers.ListField(
        source="cameo_ids", child=serializers.CharField(), help_text="The cameos whose faces it shows."
    )

    class Meta:
        model = GenerationImage
        fields = ["id", "width", "height", "cameos", "created_at"]


class ExtendIn(serializers.Serializer):
    seconds = StrictIntegerField(
        required=False, min_value=1, max_value=7, default=3, help_text="New seconds; the clip is one longer."
    )
    direction = serializers.ChoiceField(choices=Extend.choices, required=False, default=Extend.FORWARD)
    prompt = StrictCharField(
        max_length=1000, min_length=3, trim_whitespace=True, required=False, help_text="Default: the video's prompt."
    )
    seed = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)


class GenerationOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    understood = serializers.ListField(child=serializers.CharField(), help_text="The prompt's words the model draws.")
    ignored = serializers.ListField(
        child=serializers.CharField(), help_text="The prompt's words the model leaves out (not in its vocabulary)."
    )
    video = serializers.SerializerMethodField()
    remix_of = serializers.CharField(source="remix_of_id", allow_null=True)
    extend = serializers.CharField(
        allow_blank=True, help_text="forward / backward: this job continues remix_of; empty otherwise."
    )
    cameos = serializers.ListField(source="cameo_ids", child=serializers.CharField())
    image = serializers.CharField(source="image_id", allow_null=True, help_text="The picture it starts from.")
    error = serializers.CharField(allow_blank=True)

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "status",
            "progress",
            "error",
            "video",
            "prompt",
            "understood",
            "ignored",
            "cameos",
            "remix_of",
            "extend",
            "image",
            "seed",
            "duration_s",
            "aspect",
            "created_at",
            "finished_at",
        ]

    def get_video(self, job) -> str | None:
        return str(job.video_id) if job.video_id else None


class MarkReadingOut(serializers.Serializer):
    found = serializers.BooleanField(help_text="Our invisible mark is in the frames or the sound.")
    confidence = serializers.FloatField(
        help_text="In the frames: sync correlation 0..1; unmarked clips stay under 0.55."
    )
    payload_decoded = serializers.BooleanField(help_text="Its 32-bit key decoded with a valid CRC.")
    audio_found = serializers.BooleanField(help_text="The mark is in the sound track.")
    audio_confidence = serializers.FloatField(help_text="In the sound: 0..1; unmarked sound stays under 0.2.")


class ProvenanceMarkOut(MarkReadingOut):
    embedded = serializers.BooleanField(help_text="We put a mark in this video when we made it.")
    found = serializers.BooleanField(help_text="The mark is in the stored file's frames.")
    matches = serializers.BooleanField(help_text="Frames and sound of the stored file both carry this video's key.")


class ProvenanceOut(serializers.Serializer):
    video = serializers.CharField()
    validation_state = serializers.CharField()
    valid = serializers.BooleanField()
    manifest = serializers.JSONField()
    mark = ProvenanceMarkOut(help_text="The invisible mark, read back from the stored file beside C2PA.")


class VerifyIn(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The clip (MP4, MOV, WebM, ...), up to 50 MB.")
    url = serializers.CharField(required=False, max_length=4096, help_text="Or a media link of ours.")


class VerifyLinkIn(serializers.Serializer):
    """The JSON form: one of our media links (a file goes as multipart)."""

    url = serializers.CharField(max_length=4096, help_text="A media link of ours (`video_url` of a video).")


class VerifyC2paOut(serializers.Serializer):
    present = serializers.BooleanField()
    valid = serializers.BooleanField()
    signed_by_us = serializers.BooleanField(help_text="Valid and signed with our own certificate.")
    validation_state = serializers.CharField()
    manifest = serializers.JSONField(allow_null=True)


class VerifyOut(serializers.Serializer):
    optional_in_response = ("removed_match",)

    made_here = serializers.BooleanField(help_text="Our mark was found, or our own signed C2PA manifest survived.")
    mark = MarkReadingOut()
    created_at = serializers.DateTimeField(
        allow_null=True, help_text="When the video the mark names was made (even if you may not see it)."
    )
    video = VideoOut(allow_null=True, help_text="The video the mark names, when you may see it; else null.")
    c2pa = VerifyC2paOut()
    removed_match = serializers.BooleanField(
        required=False, help_text="Reviewers only: looks like a video moderators removed."
    )


class VocabularyOut(serializers.Serializer):
    entities = serializers.ListField(child=serializers.CharField())
    colours = serializers.ListField(child=serializers.CharField())
    sizes = serializers.ListField(child=serializers.CharField())
    motions = serializers.ListField(child=serializers.CharField())
    scenes = serializers.ListField(child=serializers.CharField())
    cameo_actions = serializers.ListField(child=serializers.CharField(), help_text="Drawn only for a cameo.")
    times_of_day = serializers.ListField(
        child=serializers.CharField(), help_text="Empty unless the model learnt the grown world (version 2)."
    )
    weather = serializers.ListField(
        child=serializers.CharField(), help_text="Empty unless the model learnt the grown world (version 2)."
    )


class FrameSizeOut(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class NativeOut(FrameSizeOut):
    fps = serializers.IntegerField()


class AspectOut(serializers.Serializer):
    native = FrameSizeOut()
    output = FrameSizeOut()


class AspectsOut(serializers.Serializer):
    square = AspectOut()
    landscape = AspectOut()
    portrait = AspectOut()


class CapabilitiesOut(serializers.Serializer):
    backend = serializers.CharField(help_text="in-tree (our own model), or diffusers (an open-weight model).")
    vocabulary = VocabularyOut(
        allow_null=True, help_text="What the model draws; null: an open vocabulary (any words, read by the model)."
    )
    languages = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Languages prompts are read in; null: as many as the open-weight model's text encoder reads.",
    )
    durations_s = serializers.ListField(child=serializers.IntegerField())
    aspects = AspectsOut()
    max_cameos = serializers.IntegerField()
    pet_forms = serializers.ListField(
        child=serializers.CharField(),
        help_text="Character cameos of these forms (cat, dog, horse) are drawn as that animal; others as a figure.",
    )
    remix = serializers.BooleanField(
        help_text="Whether the model remixes and extends videos and starts from pictures; false: prompts only."
    )
    native = NativeOut(help_text="The model's own frames, before the service upscales them.")
    output_fps = serializers.IntegerField()
    example_prompt = serializers.CharField()
