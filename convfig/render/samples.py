"""Real data for the figures, shipped with matplotlib (nothing is downloaded), and the example traces.

- ``photo()``: ``grace_hopper.jpg`` from matplotlib's sample data (a U.S. Navy photograph of Rear Admiral
  Grace Hopper, public domain as a work of the U.S. government), as greyscale 0-255 integers, reduced by
  an exact box average so that one pixel of the figure is one pixel of the array the kernel reads.
- ``eeg()``: ``eeg.dat`` from the same sample data (800 samples x 4 channels of an EEG recording, 10 s
  at 80 Hz, as matplotlib's ``mri_with_eeg`` example reads it); one channel as a 1D signal.
- ``example_trace(params)``: the trace a conv figure draws: the seed's or a named pattern's numbers
  (``convfig.examples``), or ``photo``: a crop of the photo under the Sobel x kernel.

The classic kernels live here too (``KERNELS``): the names and numbers every image-processing text uses.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.numbers import with_numbers
from convfig.params import conv_spec
from convfig.render import fmt
from convfig.render.layout import Image, Item, Label

PHOTO_FILE, EEG_FILE = "grace_hopper.jpg", "eeg.dat"
PHOTO_CREDIT = ("grace_hopper.jpg from matplotlib's sample data: U.S. Navy photograph of Grace Hopper, "
                "public domain")
EEG_CREDIT = "eeg.dat from matplotlib's sample data (ships with matplotlib)"
EEG_RATE = 80          # samples per second (800 samples over 10 s)
PHOTO_CROP = (336, 184)   # top-left (row, col) of the zoomed crop: dark jacket | white collar (a vertical edge)

# the classic 3x3 kernels (name -> weights); Gaussian is the 1-2-1 binomial, divided by 16
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.outer([1, 2, 1], [1, 2, 1]) / 16.0,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float),
}
# how the weights are written in the figures (fractions stay fractions)
KERNEL_SCALE = {"box blur": 9, "Gaussian blur": 16}


@lru_cache(maxsize=8)
def _sample_path(name: str) -> str:
    """matplotlib's sample data file, found without importing matplotlib (a page build reads the photo to
    write a figure's playground link: importing matplotlib would cost it a tenth of a second)."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "sample_data" / name
        if path.is_file():
            return str(path)
    from matplotlib import cbook

    return str(cbook.get_sample_data(name, asfileobj=False))


@lru_cache(maxsize=8)
def photo(reduce: int = 1) -> np.ndarray:
    """The photo as greyscale float integers 0-255 (ITU-R 601 luma, rounded), box-reduced by ``reduce``."""
    from PIL import Image

    with Image.open(_sample_path(PHOTO_FILE)) as im:
        grey = np.asarray(im.convert("L"), dtype=float)
    if reduce > 1:
        h, w = (n // reduce * reduce for n in grey.shape)
        grey = np.round(grey[:h, :w].reshape(h // reduce, reduce, w // reduce, reduce).mean(axis=(1, 3)))
    grey.flags.writeable = False
    return grey


@lru_cache(maxsize=2)
def eeg(channel: int = 0) -> np.ndarray:
    """One channel of the EEG recording (800 samples, float)."""
    data = np.fromfile(_sample_path(EEG_FILE), dtype=float).reshape(800, 4)
    out = data[:, channel].copy()
    out.flags.writeable = False
    return out


def photo_crop(shape: tuple[int, ...], reduce: int = 4) -> np.ndarray:
    """A (rows, cols) crop of photo(reduce) with its top-left at PHOTO_CROP (given in full-size pixels)."""
    img = photo(reduce)
    r, c = (v // reduce for v in PHOTO_CROP)
    return img[r:r + shape[0], c:c + shape[1]]


def example_trace(params: Mapping[str, Any]) -> convfig.Trace:
    """The trace a conv figure draws, from its canonical params (``example`` picks the numbers; ``values``,
    ``kernel_values`` and ``bias`` replace them where given: convfig.numbers)."""
    cs = conv_spec(params)
    name = params.get("example", "random")
    if name != "photo":
        return with_numbers(convfig.trace_example(cs, seed=int(params.get("seed", 0)), name=name), params)
    if cs.rank != 2 or cs.channels != 1 or cs.filters != 1 or cs.kernel_size != (3, 3):
        raise ConvfigError("example: photo is a 2D example with one channel, one filter and a 3x3 kernel "
                           "(Sobel x)")
    if max(cs.input_shape) > 10:
        raise ConvfigError(f"input: a photo crop is at most 10x10 (readable numbers), got "
                           f"{'x'.join(map(str, cs.input_shape))}")
    x = photo_crop(cs.input_shape)[..., None]
    k = KERNELS["Sobel x"][..., None, None]
    return with_numbers(convfig.trace(x, k, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate),
                        params)


# ------------------------------------------------------------------ colour maps for real-valued maps
# diverging: Okabe-Ito blue (negative) -> near white (0) -> vermillion (positive); safe for colour-blind readers
NEG, MID, POS = (0x00, 0x72, 0xB2), (0xF7, 0xF7, 0xF7), (0xD5, 0x5E, 0x00)


STEPS = 24         # colour steps per sign of the diverging map: few colours, so the PNGs encode exactly and fast
GREY_STEP = 2      # grey shown in steps of 2 (128 levels): invisible, and half the colours


def diverging(values: np.ndarray, limit: float) -> np.ndarray:
    """uint8 RGB of values in [-limit, limit] (clipped, in STEPS steps per sign): blue below 0, near white
    at 0, vermillion above."""
    t = np.clip(np.asarray(values, float) / max(limit, 1e-12), -1.0, 1.0)
    t = (np.round(t * STEPS) / STEPS)[..., None]
    neg, mid, pos = (np.array(c, float) for c in (NEG, MID, POS))
    rgb = np.where(t < 0, mid + (-t) * (neg - mid), mid + t * (pos - mid))
    return np.round(rgb).astype(np.uint8)


def grey(values: np.ndarray) -> np.ndarray:
    """uint8 grey of values clipped to 0-255, in steps of GREY_STEP (the drawn picture, not the numbers)."""
    v = np.clip(np.asarray(values, float), 0, 255)
    return np.minimum(np.round(v / GREY_STEP) * GREY_STEP, 255).astype(np.uint8)


def nice_limit(values: np.ndarray) -> float:
    """A round colour-bar limit covering the 99th percentile of |values| (a few extremes are clipped)."""
    v = float(np.percentile(np.abs(values), 99)) or 1.0
    step = 10 ** np.floor(np.log10(v))
    return float(np.ceil(v / step) * step)


def signed(kernel: np.ndarray) -> bool:
    """A zero-sum kernel (an edge detector): its map is signed and drawn with the diverging map."""
    return bool(abs(float(kernel.sum())) < 1e-9)


BAR_H = 8          # colour bar height (px)


def colour_bar(x: float, y: float, w: float, limit: float, name: str, *, size: float = 7.5,
               h: float = BAR_H) -> list[Item]:
    """A diverging colour bar from -limit to +limit, labelled at both ends and 0 (labels of ``size`` pt,
    the bar ``h`` px high: slides take larger ones)."""
    ramp = diverging(np.linspace(-limit, limit, 64)[None, :], limit)
    lim = fmt.num(limit)
    ty = y + h + 9 * size / 7.5
    return [Image(x, y, w, h, ramp, key=("bar", name)),
            Label(x, ty, fmt.MINUS + lim, size, "muted", va="center"),
            Label(x + w / 2, ty, "0", size, "muted", ha="center", va="center"),
            Label(x + w, ty, "+" + lim, size, "muted", ha="right", va="center", key=("limit", name))]
