"""A diffusion transformer over spacetime patches (DiT, Peebles & Xie 2023, in Sora's setting).

The video (N, 3, T, H, W) goes through a small convolutional stem, is cut into
pt x ph x pw spacetime patches, and a stack of DiT blocks (adaLN-Zero on the
timestep and pooled text; cross-attention to the text tokens and the cameo
reference's patch tokens) predicts the rectified-flow velocity. Positions
are 3-D sinusoids computed for whatever token grid comes in, so one set of
weights renders square, 9:16 and 16:9 frames at 2-8 s. The head unpatchifies
and adds a full-resolution convolution fed by a skip from the stem: on CPU
budgets the skip is what makes edges crisp early in training.

The noise schedule lives in sampler.py; this network only sees (x_t, t, cond).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .text import TEXT_DIM

# ----------------------------------------------------------------------------
# Config and sizes
# ----------------------------------------------------------------------------


@dataclass
class DiTConfig:
    width: int = 160
    depth: int = 6
    heads: int = 5
    mlp_ratio: float = 4.0
    patch: tuple[int, int, int] = (4, 4, 4)  # (t, h, w): 4 s at 4 fps, 32x32 -> 4x8x8 = 256 tokens
    stem_channels: int = 16  # full-resolution conv features; also the skip into the head
    text_dim: int = TEXT_DIM
    ref_px: int = 16  # cameo reference is a 16x16 RGB face
    ref_patch: int = 4  # -> 16 reference tokens
    # "x": the network outputs the clean video and the sampler turns it into a
    # velocity. Noise (or v, which contains it) is full-rank in every patch,
    # clean frames lie on a low-dimensional manifold (Li & He 2025, "Back to
    # Basics"). Measured here with 8x8 patches (768 values per token, wider
    # than the 160-wide trunk): v-prediction after 700 CPU steps sampled pure
    # noise, x-prediction clean blobs; the 4x4 model was trained on x from step 0.
    prediction: str = "x"
    # Training drops text and cameo independently so CFG can guide each.
    p_drop_text: float = 0.1
    p_drop_cameo: float = 0.1
    # The stem also reads given frames (extend, image to video): 4 more input
    # channels, the clean known frames (zero elsewhere) and a per-frame mask of
    # which are known. Off in the first checkpoints; widen_for_known_frames adds
    # it with zero weights, so a widened model starts out drawing exactly as before.
    known_frames: bool = False
    # What the network draws: RGB frames of the world (3 channels), or the
    # latent of the spacetime autoencoder (its latent_channels). grid_scale is
    # the latent's cells per world frame, row and column (1, 1, 1 for frames;
    # 0.75, 0.5, 0.5 for the autoencoder at 12 fps, 4x size, 4x8x8 cells).
    in_channels: int = 3
    grid_scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # How many cameos it draws at once: each has its reference's tokens, and above 1
    # a learnt slot embedding tells them apart, in the order the prompt names them
    # (widen_for_cameos adds it with zero weights: one cameo is drawn as before).
    max_cameos: int = 1

    @property
    def latent(self) -> bool:
        return self.in_channels != 3 or tuple(self.grid_scale) != (1.0, 1.0, 1.0)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["patch"] = list(self.patch)
        d["grid_scale"] = list(self.grid_scale)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> DiTConfig:
        d = dict(d)
        d["patch"] = tuple(d["patch"])
        if "grid_scale" in d:
            d["grid_scale"] = tuple(d["grid_scale"])
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def DiT_T(**kw) -> DiTConfig:  # unit tests
    return DiTConfig(width=48, depth=2, heads=2, patch=(4, 8, 8), stem_channels=8, **kw)


def DiT_S(**kw) -> DiTConfig:  # the committed CPU model
    # 4x4 spatial patches: a 4 s square clip is 256 tokens (1.1 steps/s at batch 16
    # on 2 idle cores). 8x8 patches ran 2.6 steps/s but plateaued with objects in
    # fragments: their 4x4 token grid per frame left an object's shape and sub-patch position
    # to the linear unpatchify and the local head, which sharpened a blurry blob into
    # confetti instead of committing to one shape.
    return DiTConfig(width=160, depth=6, heads=5, patch=(4, 4, 4), stem_channels=16, **kw)


def DiT_B(**kw) -> DiTConfig:  # for a GPU
    return DiTConfig(width=384, depth=12, heads=6, patch=(4, 4, 4), stem_channels=32, **kw)


def DiT_SL(**kw) -> DiTConfig:  # DiT-S over the spacetime autoencoder's latent
    # 3x2x2 latent patches cover 1 s and 16x16 pixels of the 4x world: the
    # same footprint and the same 256 tokens for a 4 s square clip as DiT-S.
    kw = {"in_channels": 16, "grid_scale": (0.75, 0.5, 0.5), **kw}
    return DiTConfig(width=160, depth=6, heads=5, patch=(3, 2, 2), stem_channels=32, **kw)


def DiT_TL(**kw) -> DiTConfig:  # unit tests, over a latent
    kw = {"in_channels": 16, "grid_scale": (0.75, 0.5, 0.5), **kw}
    return DiTConfig(width=48, depth=2, heads=2, patch=(3, 2, 2), stem_channels=8, **kw)


DIT_CONFIGS = {"DiT-T": DiT_T, "DiT-S": DiT_S, "DiT-B": DiT_B, "DiT-SL": DiT_SL, "DiT-TL": DiT_TL}

# ----------------------------------------------------------------------------
# Embedding layers
# ----------------------------------------------------------------------------


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


def sincos_1d(pos: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=pos.device) / half)
    args = pos.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)  # (L, dim)


def sincos_3d(gt: int, gh: int, gw: int, dim: int, device=None) -> torch.Tensor:
    """(gt*gh*gw, dim) positions for any grid; t gets a quarter of the channels, h and w the rest."""
    dt = (dim // 4) // 2 * 2
    dh = ((dim - dt) // 2) // 2 * 2
    dw = dim - dt - dh
    t, h, w = torch.meshgrid(
        torch.arange(gt, device=device), torch.arange(gh, device=device), torch.arange(gw, device=device), indexing="ij"
    )
    return torch.cat([sincos_1d(t.flatten(), dt), sincos_1d(h.flatten(), dh), sincos_1d(w.flatten(), dw)], dim=1)


class TimestepEmbedder(nn.Module):
    def __init__(self, width: int, freq_dim: int = 256):
        super().__init__()
        self.freq_dim = freq_dim
        self.mlp = nn.Sequential(nn.Linear(freq_dim, width), nn.SiLU(), nn.Linear(width, width))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.mlp(sincos_1d(t * 1000.0, self.freq_dim))  # (N, D)


# ----------------------------------------------------------------------------
# DiT block
# ----------------------------------------------------------------------------


class Attention(nn.Module):
    def __init__(self, width: int, heads: int, kv_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.kv = nn.Linear(kv_dim or width, 2 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x, context=None, mask=None):
        n, l, d = x.shape  # noqa: E741  (L: tokens, the DiT paper's name)
        context = x if context is None else context
        q = self.q(x).view(n, l, self.heads, d // self.heads).transpose(1, 2)  # (N, h, L, d/h)
        k, v = self.kv(context).view(n, context.shape[1], 2, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn_mask = None if mask is None else mask[:, None, None, :]  # (N, 1, 1, S) True = attend
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)  # (N, h, L, d/h)
        return self.proj(out.transpose(1, 2).reshape(n, l, d))


class DiTBlock(nn.Module):
    """Self-attention over all spacetime tokens, cross-attention to the context, MLP; adaLN-Zero gates."""

    def __init__(self, cfg: DiTConfig):
        super().__init__()
        d = cfg.width
        self.norm1 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(d, cfg.heads)
        self.norm_x = nn.LayerNorm(d, eps=1e-6)
        self.cross = Attention(d, cfg.heads)
        self.norm2 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        hidden = int(d * cfg.mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, d))
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))

    def forward(self, x, c, context, context_mask):
        shift1, scale1, gate1, shift2, scale2, gate2 = self.ada(c).chunk(6, dim=1)  # each (N, D)
        x = x + gate1.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift1, scale1))  # (N, L, D)
        x = x + self.cross(self.norm_x(x), context, context_mask)  # (N, L, D)
        x = x + gate2.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift2, scale2))  # (N, L, D)
        return x


# ----------------------------------------------------------------------------
# The network
# ----------------------------------------------------------------------------


class DiT(nn.Module):
    def __init__(self, cfg: DiTConfig):
        super().__init__()
        self.cfg = cfg
        d, c = cfg.width, cfg.stem_channels
        cin = cfg.in_channels
        self.stem = nn.Sequential(
            nn.Conv3d(KNOWN_CHANNELS + cin if cfg.known_frames else cin, c, 3, padding=1), nn.GELU()
        )
        self.patchify = nn.Conv3d(c, d, kernel_size=cfg.patch, stride=cfg.patch)
        self.t_embed = TimestepEmbedder(d)
        self.text_pool = nn.Linear(cfg.text_dim, d)
        self.text_tokens = nn.Linear(cfg.text_dim, d)
        n_ref = (cfg.ref_px // cfg.ref_patch) ** 2
        self.ref_tokens = nn.Linear(3 * cfg.ref_patch**2, d)
        self.ref_pos = nn.Parameter(torch.zeros(1, n_ref, d))
        self.ref_type = nn.Parameter(torch.zeros(1, 1, d))  # tells cameo tokens from text tokens
        self.null_token = nn.Parameter(torch.zeros(1, 1, d))  # always attendable, so no row is fully masked
        if cfg.max_cameos > 1:
            self.ref_slot = nn.Parameter(torch.zeros(1, cfg.max_cameos, 1, d))  # which cameo a token is of
        self.blocks = nn.ModuleList(DiTBlock(cfg) for _ in range(cfg.depth))
        self.norm_out = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.ada_out = nn.Sequential(nn.SiLU(), nn.Linear(d, 2 * d))
        pt, ph, pw = cfg.patch
        self.unpatchify = nn.Linear(d, c * pt * ph * pw)
        self.head = nn.Sequential(nn.GELU(), nn.Conv3d(c, cin, 3, padding=1))
        self.initialize_weights()

    def initialize_weights(self):
        # Xavier for linears (DiT); then zero the adaLN modulations so every
        # block starts as the identity, and zero the output conv so the
        # initial prediction is 0 (adaLN-Zero).
        def _basic(m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

        self.apply(_basic)
        nn.init.normal_(self.ref_pos, std=0.02)
        nn.init.normal_(self.ref_type, std=0.02)
        nn.init.normal_(self.null_token, std=0.02)
        for mlp in (self.t_embed.mlp[0], self.t_embed.mlp[2]):
            nn.init.normal_(mlp.weight, std=0.02)
        for block in self.blocks:
            nn.init.zeros_(block.ada[-1].weight)
            nn.init.zeros_(block.ada[-1].bias)
        nn.init.zeros_(self.ada_out[-1].weight)
        nn.init.zeros_(self.ada_out[-1].bias)
        nn.init.zeros_(self.head[-1].weight)
        nn.init.zeros_(self.head[-1].bias)

    def context(self, text_tokens, text_mask, reference, ref_mask):
        """Cross-attention memory: [null] + text tokens + every cameo reference's patch tokens.

        reference (N, 3, px, px) with ref_mask (N,) for one cameo, or (N, K, 3, px, px) with
        ref_mask (N, K) (or (N,), for all K) for up to cfg.max_cameos of them.
        """
        n = text_tokens.shape[0]
        txt = self.text_tokens(text_tokens)  # (N, Lt, D)
        if reference.dim() == 4:
            reference, ref_mask = reference[:, None], ref_mask.reshape(n, 1)
        k = reference.shape[1]
        if k > self.cfg.max_cameos:
            raise ValueError(f"this model draws at most {self.cfg.max_cameos} cameo(s), not {k}")
        if ref_mask.dim() == 1:
            ref_mask = ref_mask[:, None].expand(-1, k)
        p = self.cfg.ref_patch
        ref = reference.flatten(0, 1).unfold(2, p, p).unfold(3, p, p)  # (N*K, 3, 4, 4, p, p)
        ref = ref.permute(0, 2, 3, 1, 4, 5).reshape(n, k, -1, 3 * p * p)  # (N, K, 16, 3*p*p)
        ref = self.ref_tokens(ref) + self.ref_pos[:, None] + self.ref_type[:, None]  # (N, K, 16, D)
        if self.cfg.max_cameos > 1:
            ref = ref + self.ref_slot[:, :k]
        m = ref.shape[2]
        ref = ref.reshape(n, k * m, -1)  # (N, K*16, D)
        ctx = torch.cat([self.null_token.expand(n, -1, -1), txt, ref], dim=1)  # (N, 1+Lt+K*16, D)
        ones = torch.ones(n, 1, dtype=torch.bool, device=ctx.device)
        mask = torch.cat([ones, text_mask, ref_mask[:, :, None].expand(-1, -1, m).reshape(n, k * m)], dim=1)
        return ctx, mask

    def forward(self, x, t, text_tokens, text_mask, text_pooled, reference, ref_mask, known=None):
        """x: (N, in_channels, T, H, W) noisy video (or latent); t: (N,) in [0, 1]; reference: (N, 3, 16, 16)
        with ref_mask (N,) bool, or (N, K, 3, 16, 16) with (N, K) for several cameos (context()).

        A dropped text has text_mask all False and text_pooled zero; a missing
        or dropped cameo has ref_mask False. `known` (N, 4, T, H, W): clean given
        frames and their mask (known_input), or None when nothing is given.
        Returns (N, 3, T, H, W): the clean video for cfg.prediction == "x", else the velocity.
        """
        n, _, T, H, W = x.shape
        pt, ph, pw = self.cfg.patch
        gt, gh, gw = T // pt, H // ph, W // pw
        if self.cfg.known_frames:
            x = torch.cat([x, known if known is not None else x.new_zeros(n, KNOWN_CHANNELS, T, H, W)], dim=1)
        feats = self.stem(x)  # (N, C, T, H, W)
        tok = self.patchify(feats).flatten(2).transpose(1, 2)  # (N, L, D), L = gt*gh*gw
        tok = tok + sincos_3d(gt, gh, gw, self.cfg.width, x.device)[None]  # (N, L, D)
        c = self.t_embed(t) + self.text_pool(text_pooled)  # (N, D)
        ctx, ctx_mask = self.context(text_tokens, text_mask, reference, ref_mask)  # (N, S, D), (N, S)
        for block in self.blocks:
            tok = block(tok, c, ctx, ctx_mask)  # (N, L, D)
        shift, scale = self.ada_out(c).chunk(2, dim=1)  # (N, D) each
        tok = self.unpatchify(modulate(self.norm_out(tok), shift, scale))  # (N, L, C*pt*ph*pw)
        C = self.cfg.stem_channels
        tok = tok.view(n, gt, gh, gw, C, pt, ph, pw).permute(0, 4, 1, 5, 2, 6, 3, 7)  # (N, C, gt, pt, gh, ph, gw, pw)
        up = tok.reshape(n, C, T, H, W)  # (N, C, T, H, W)
        return self.head(up + feats)  # (N, 3, T, H, W)


KNOWN_CHANNELS = 4  # the known frames' RGB (zero where unknown) and the mask


def known_input(x0: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(N, 3, T, H, W) clean video and (N, 1, T, 1, 1) per-frame mask -> the stem's extra (N, 4, T, H, W)."""
    n, _, T, H, W = x0.shape
    return torch.cat([x0 * mask, mask.expand(n, 1, T, H, W)], dim=1)


def widen_for_known_frames(model: DiT) -> DiT:
    """The same network with the known-frame input added, its new stem weights zero (draws as before)."""
    cfg = DiTConfig.from_dict({**model.cfg.to_dict(), "known_frames": True})
    wide = DiT(cfg).to(next(model.parameters()).device)
    state = dict(model.state_dict())
    w = state["stem.0.weight"]
    state["stem.0.weight"] = torch.cat([w, w.new_zeros(w.shape[0], KNOWN_CHANNELS, *w.shape[2:])], dim=1)
    wide.load_state_dict(state)
    return wide


def widen_for_cameos(model: DiT, max_cameos: int) -> DiT:
    """The same network drawing up to max_cameos cameos; the new slot embedding is zero (one draws as before)."""
    if max_cameos <= model.cfg.max_cameos:
        return model
    cfg = DiTConfig.from_dict({**model.cfg.to_dict(), "max_cameos": max_cameos})
    wide = DiT(cfg).to(next(model.parameters()).device)
    state = dict(model.state_dict())
    old = state.pop("ref_slot", None)
    slot = torch.zeros_like(wide.ref_slot)
    if old is not None:
        slot[:, : old.shape[1]] = old
    state["ref_slot"] = slot
    wide.load_state_dict(state)
    return wide


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
