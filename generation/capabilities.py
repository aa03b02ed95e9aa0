"""What the model can draw, in one light module the API and the pipeline both read."""

# The model takes one likeness reference per clip. The API refuses more rather
# than record (and cite in C2PA) a likeness that is not in the frames.
MAX_DRAWN_CAMEOS = 1
