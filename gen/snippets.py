"""Check the Keras snippets of the site: every shape (and weight count) a snippet states is recomputed.

A ```python block that mentions ``keras`` is run against a stand-in ``keras`` whose layers compute
shapes with ``convfig.output_shape`` and weight counts with ``convfig.ConvSpec`` (no Keras needed).
A comment on a line states what that line produces::

    inputs = keras.Input(shape=(7, 7, 3))                        # (None, 7, 7, 3)
    x = keras.layers.Conv2D(4, 3, strides=2)(inputs)              # -> (None, 3, 3, 4)  # params: 112
    model = keras.Sequential([
        keras.Input(shape=(100, 12)),
        keras.layers.Conv1D(32, 5),                               # (None, 96, 32)
    ])

Rules (strict): a stated shape / params must equal the computed one; a statement must be on the line
where the layer is called (functional) or listed (Sequential); every conv, pooling and padding layer
that receives an input must state its shape; a snippet using a layer the stand-in does not know fails.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
SHAPE = re.compile(
    r"#\s*(?:->|→|=>)?\s*(?:(?:output|out|shape)\s*(?:shape)?\s*[:=]?\s*)?"
    r"(?P<shape>\((?:\s*(?:None|\d+)\s*,)*\s*(?:None|\d+)?\s*\))"
)
PARAMS = re.compile(r"#\s*params:?\s*(?P<n>\d[\d,_]*)")


class SnippetError(AssertionError):
    """A snippet states something the engine disagrees with (message: page:line: ...)."""


@dataclass
class Snippet:
    page: str
    line: int  # line number (in the page) of the first code line
    code: str

    def where(self, lineno: int) -> str:
        return f"{self.page}:{self.line + lineno - 1}"


@dataclass
class Event:
    shape: tuple
    params: int | None
    layer: str
    must_state: bool


@dataclass
class Recorder:
    filename: str
    events: dict[int, list[Event]] = field(default_factory=dict)

    def line(self) -> int:
        f = sys._getframe(1)
        while f is not None and f.f_code.co_filename != self.filename:
            f = f.f_back
        return f.f_lineno if f is not None else 0

    def add(self, lineno: int, event: Event) -> None:
        self.events.setdefault(lineno, []).append(event)


def snippets(page_path: Path, shown_as: str) -> list[Snippet]:
    """The ```python blocks of one Markdown page (indented ones in tabs/admonitions too)."""
    out: list[Snippet] = []
    lines = page_path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"].strip()
        lang = info.split()[0].lstrip(".").lower() if info else ""
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            c = FENCE.match(lines[j])
            if c and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence) and not c["info"].strip():
                break
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        if lang in ("python", "py", "python3", "pycon"):
            out.append(Snippet(shown_as, i + 2, "\n".join(body) + "\n"))
        i = j + 1
    return out


# --------------------------------------------------------------------------- the stand-in keras


class KerasTensor:
    def __init__(self, shape):
        self.shape = tuple(shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}>"


def _tuple(v, n: int, name: str) -> tuple:
    if isinstance(v, int):
        return (v,) * n
    t = tuple(v)
    if len(t) != n or not all(isinstance(i, int) for i in t):
        raise SnippetError(f"{name}={v!r}: needs an int or {n} ints")
    return t


def make_keras(rec: Recorder) -> types.ModuleType:
    import convfig

    def shape_of(x) -> tuple:
        if not hasattr(x, "shape"):
            raise SnippetError(f"cannot call a layer on {type(x).__name__}")
        return tuple(None if s is None else int(s) for s in x.shape)

    class Layer:
        must_state = False
        _count = 0

        def __init__(self, *args, **kwargs):
            self.line = rec.line()
            self.args, self.kwargs = args, kwargs
            input_shape = kwargs.pop("input_shape", None)
            self.input_shape = None if input_shape is None else (None, *input_shape)
            for k in ("name", "activation", "kernel_initializer", "bias_initializer", "trainable", "dtype",
                      "kernel_regularizer", "bias_regularizer", "use_bias"):
                setattr(self, "_" + k, kwargs.pop(k, None))
            self.configure(*args, **kwargs)

        def configure(self, *args, **kwargs):
            if args or kwargs:
                raise SnippetError(f"{type(self).__name__}: arguments {args} {kwargs} not understood")

        def compute(self, shape: tuple) -> tuple[tuple, int | None]:
            return shape, 0

        def __call__(self, x, line: int | None = None):
            shape, params = self.compute(shape_of(x))
            rec.add(rec.line() if line is None else line, Event(shape, params, type(self).__name__,
                                                                 self.must_state))
            return KerasTensor(shape)

    class Conv(Layer):
        rank = 0
        must_state = True

        def configure(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                      dilation_rate=1, groups=1, **rest):
            if data_format not in (None, "channels_last"):
                raise SnippetError("only data_format='channels_last' is checked")
            rest.pop("activity_regularizer", None)
            rest.pop("kernel_constraint", None)
            rest.pop("bias_constraint", None)
            if rest:
                raise SnippetError(f"{type(self).__name__}: unknown arguments {sorted(rest)}")
            self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
            self.padding, self.dilation_rate, self.groups = padding, dilation_rate, groups

        def compute(self, shape):
            if len(shape) != self.rank + 2:
                raise SnippetError(f"{type(self).__name__} needs a rank-{self.rank + 2} input, got {shape}")
            n = self.rank
            kw = dict(kernel_size=_tuple(self.kernel_size, n, "kernel_size"),
                      strides=_tuple(self.strides, n, "strides"), padding=self.padding,
                      dilation_rate=_tuple(self.dilation_rate, n, "dilation_rate"), groups=self.groups)
            out = convfig.output_shape(shape[1:], filters=self.filters, **kw)
            spec = convfig.ConvSpec.make(input_shape=shape[1:-1], channels=shape[-1], filters=self.filters,
                                         **kw)
            params = spec.params - (self.filters if self._use_bias is False else 0)
            return (shape[0], *out), params

    class Pool(Layer):
        rank = 0
        must_state = True

        def configure(self, pool_size=2, strides=None, padding="valid", data_format=None):
            if data_format not in (None, "channels_last"):
                raise SnippetError("only data_format='channels_last' is checked")
            self.pool_size, self.strides, self.padding = pool_size, strides, padding

        def compute(self, shape):
            n = self.rank
            k = _tuple(self.pool_size, n, "pool_size")
            s = k if self.strides is None else _tuple(self.strides, n, "strides")
            out = convfig.pool_output_shape(shape[1:], k, strides=s, padding=self.padding)
            return (shape[0], *out), 0

    class ConvTranspose(Conv):         # Keras ConvNDTranspose: convfig.transpose_output_shape / transpose_params
        def configure(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                      dilation_rate=1, **rest):
            super().configure(filters, kernel_size, strides, padding, data_format, dilation_rate, **rest)
            self.output_padding = output_padding

        def compute(self, shape):
            n = self.rank
            out = convfig.transpose_output_shape(
                shape[1:], _tuple(self.kernel_size, n, "kernel_size"), filters=self.filters,
                strides=_tuple(self.strides, n, "strides"), padding=self.padding,
                output_padding=self.output_padding, dilation_rate=_tuple(self.dilation_rate, n, "dilation_rate"))
            params = convfig.transpose_params(_tuple(self.kernel_size, n, "kernel_size"), shape[-1], self.filters,
                                              use_bias=self._use_bias is not False)
            return (shape[0], *out), params

    class Depthwise(Layer):            # Keras DepthwiseConvND (filters=None) and SeparableConvND (filters=F)
        rank = 0
        must_state = True
        separable = False

        def configure(self, *args, **kwargs):
            names = (["filters"] if self.separable else []) + ["kernel_size", "strides", "padding"]
            kw = dict(zip(names, args))
            kw.update(kwargs)
            if kw.pop("data_format", None) not in (None, "channels_last"):
                raise SnippetError("only data_format='channels_last' is checked")
            for k in ("depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
                      "pointwise_regularizer", "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
                      "bias_constraint"):
                kw.pop(k, None)
            self.filters = kw.pop("filters", None)
            self.kernel_size = kw.pop("kernel_size")
            self.strides, self.padding = kw.pop("strides", 1), kw.pop("padding", "valid")
            self.multiplier, self.dilation = kw.pop("depth_multiplier", 1), kw.pop("dilation_rate", 1)
            if kw:
                raise SnippetError(f"{type(self).__name__}: unknown arguments {sorted(kw)}")

        def compute(self, shape):
            n = self.rank
            k = _tuple(self.kernel_size, n, "kernel_size")
            kw = dict(depth_multiplier=self.multiplier, strides=_tuple(self.strides, n, "strides"),
                      padding=self.padding, dilation_rate=_tuple(self.dilation, n, "dilation_rate"))
            bias = self._use_bias is not False
            if self.separable:
                out = convfig.separable_output_shape(shape[1:], k, filters=self.filters, **kw)
                params = convfig.separable_params(k, shape[-1], self.filters, self.multiplier, use_bias=bias)
            else:
                out = convfig.depthwise_output_shape(shape[1:], k, **kw)
                params = convfig.depthwise_params(k, shape[-1], self.multiplier, use_bias=bias)
            return (shape[0], *out), params

    class Cropping(Layer):
        rank = 0
        must_state = True

        def configure(self, cropping=1, data_format=None):
            self.cropping = cropping

        def compute(self, shape):
            n, c = self.rank, self.cropping
            pairs = ([(c, c)] * n if isinstance(c, int) else [tuple(i) if not isinstance(i, int) else (i, i)
                                                               for i in (c if n > 1 else [c])])
            spatial = tuple(s - a - b for s, (a, b) in zip(shape[1:-1], pairs, strict=True))
            return (shape[0], *spatial, shape[-1]), 0

    class ZeroPadding(Layer):
        rank = 0
        must_state = True

        def configure(self, padding=1, data_format=None):
            self.padding = padding

        def compute(self, shape):
            n, p = self.rank, self.padding
            if isinstance(p, int):
                pairs = [(p, p)] * n
            else:
                p = tuple(p)
                if n == 1 and len(p) == 2 and all(isinstance(i, int) for i in p):
                    pairs = [p]
                elif all(isinstance(i, int) for i in p):
                    pairs = [(i, i) for i in _tuple(p, n, "padding")]
                else:
                    pairs = [tuple(i) for i in p]
            spatial = tuple(s + a + b for s, (a, b) in zip(shape[1:-1], pairs, strict=True))
            return (shape[0], *spatial, shape[-1]), 0

    class GlobalPool(Layer):
        must_state = True

        def configure(self, data_format=None, keepdims=False):
            self.keepdims = keepdims

        def compute(self, shape):
            if self.keepdims:
                return (shape[0], *([1] * (len(shape) - 2)), shape[-1]), 0
            return (shape[0], shape[-1]), 0

    class Flatten(Layer):
        def configure(self, data_format=None):
            pass

        def compute(self, shape):
            return (shape[0], math.prod(shape[1:])), 0

    class Dense(Layer):
        def configure(self, units, **rest):
            self.units = units

        def compute(self, shape):
            bias = 0 if self._use_bias is False else self.units
            return (*shape[:-1], self.units), shape[-1] * self.units + bias

    class Same(Layer):  # shape-preserving layers; their arguments do not matter here
        def configure(self, *args, **kwargs):
            pass

        def compute(self, shape):
            params = 4 * shape[-1] if type(self).__name__ == "BatchNormalization" else 0
            return shape, params

    class Reshape(Layer):
        def configure(self, target_shape):
            self.target = tuple(target_shape)

        def compute(self, shape):
            return (shape[0], *self.target), 0

    layers = types.ModuleType("keras.layers")
    for rank in (1, 2, 3):
        for base, names in ((Conv, ["Conv{}D", "Convolution{}D"]),
                            (Pool, ["MaxPooling{}D", "AveragePooling{}D", "MaxPool{}D", "AvgPool{}D"]),
                            (ZeroPadding, ["ZeroPadding{}D"]),
                            (GlobalPool, ["GlobalAveragePooling{}D", "GlobalMaxPooling{}D",
                                          "GlobalAvgPool{}D", "GlobalMaxPool{}D"])):
            for name in names:
                setattr(layers, name.format(rank), type(name.format(rank), (base,), {"rank": rank}))
        for name in ("Conv{}DTranspose", "Convolution{}DTranspose"):
            setattr(layers, name.format(rank), type(name.format(rank), (ConvTranspose,), {"rank": rank}))
        setattr(layers, f"Cropping{rank}D", type(f"Cropping{rank}D", (Cropping,), {"rank": rank}))
    for rank in (1, 2):                # Keras has no 3D depthwise or separable layer
        for name, sep in (("DepthwiseConv{}D", False), ("SeparableConv{}D", True), ("SeparableConvolution{}D", True)):
            setattr(layers, name.format(rank), type(name.format(rank), (Depthwise,), {"rank": rank, "separable": sep}))
    for name in ("ReLU", "Activation", "Dropout", "BatchNormalization", "LayerNormalization", "SpatialDropout1D",
                 "SpatialDropout2D", "SpatialDropout3D", "LeakyReLU"):
        setattr(layers, name, type(name, (Same,), {}))
    layers.Flatten, layers.Dense, layers.Reshape = Flatten, Dense, Reshape
    layers.Layer = Layer

    def Input(shape=None, batch_size=None, **kwargs):  # noqa: N802 (Keras' name)
        if shape is None:
            raise SnippetError("keras.Input needs shape=")
        t = KerasTensor((batch_size, *tuple(shape)))
        rec.add(rec.line(), Event(t.shape, None, "Input", False))
        return t

    class Model:
        def __init__(self, inputs=None, outputs=None, **kwargs):
            self.inputs, self.outputs = inputs, outputs

        @property
        def output_shape(self):
            return self.outputs.shape

        def summary(self, *args, **kwargs):
            return None

        def __call__(self, x):
            return self.outputs

    class Sequential(Model):
        def __init__(self, layers_list=None, **kwargs):
            super().__init__()
            self.tensor = None
            for layer in layers_list or []:
                self._push(layer)

        def add(self, layer):
            self._push(layer)

        def _push(self, layer):
            if isinstance(layer, KerasTensor):
                self.tensor = layer
                return
            if not isinstance(layer, Layer):
                raise SnippetError(f"Sequential got {type(layer).__name__}, not a layer")
            if self.tensor is None:
                if layer.input_shape is None:
                    raise SnippetError("Sequential needs keras.Input(shape=...) first to have shapes")
                self.tensor = KerasTensor(layer.input_shape)
            self.tensor = layer(self.tensor, line=layer.line)
            self.outputs = self.tensor

        def __call__(self, x):
            return self.outputs

    def _array(shape, *args, **kwargs):
        return KerasTensor(tuple(shape))

    keras = types.ModuleType("keras")
    keras.layers = layers
    keras.Input = Input
    keras.Model = Model
    keras.Sequential = Sequential
    keras.random = types.SimpleNamespace(normal=_array, uniform=_array)
    keras.ops = types.SimpleNamespace(zeros=_array, ones=_array)
    return keras


# --------------------------------------------------------------------------- checking


def parse_shape(text: str) -> tuple:
    inner = text.strip()[1:-1]
    return tuple(None if p.strip() == "None" else int(p) for p in inner.split(",") if p.strip())


def check(snippet: Snippet) -> int:
    """Run one snippet; raises SnippetError at the first disagreement. Returns the number of checked claims."""
    if "keras" not in snippet.code:
        return 0
    filename = f"<snippet {snippet.page}:{snippet.line}>"
    rec = Recorder(filename)
    keras = make_keras(rec)
    modules = {"keras": keras, "keras.layers": keras.layers, "tensorflow.keras": keras}

    def fake_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name in modules:
            return modules[name] if fromlist else modules[name.split(".")[0]]
        if name.split(".")[0] in ("tensorflow", "torch", "jax"):
            raise SnippetError(f"snippets are checked without {name}; use `import keras`")
        return builtins.__import__(name, globals, locals, fromlist, level)

    env = {"__builtins__": {**vars(builtins), "__import__": fake_import, "print": lambda *a, **k: None},
           "keras": keras, "layers": keras.layers, "np": np}
    try:
        tree = ast.parse(snippet.code, filename)
    except SyntaxError as e:
        raise SnippetError(f"{snippet.where(e.lineno or 1)}: syntax error: {e.msg}") from None
    lines = snippet.code.splitlines()
    claims = {i + 1: (SHAPE.search(t), PARAMS.search(t)) for i, t in enumerate(lines)}
    claims = {k: v for k, v in claims.items() if v[0] or v[1]}
    for stmt in tree.body:
        try:
            if isinstance(stmt, ast.Expr):
                node = stmt.value
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
                        and len(node.args) == 1 and not node.keywords):
                    node = node.args[0]  # print(y.shape): the claim is about the argument
                value = eval(compile(ast.Expression(node), filename, "eval"), env)
                _expression_claim(stmt, value, rec, claims)
            else:
                exec(compile(ast.Module([stmt], []), filename, "exec"), env)
        except SnippetError as e:
            raise SnippetError(f"{snippet.where(stmt.lineno)}: {e}") from None
        except Exception as e:
            raise SnippetError(f"{snippet.where(stmt.lineno)}: snippet fails: {type(e).__name__}: {e}") from None
    checked = 0
    for lineno, (shape_m, params_m) in sorted(claims.items()):
        events = rec.events.get(lineno)
        where = snippet.where(lineno)
        if not events:
            raise SnippetError(f"{where}: states {lines[lineno - 1].split('#', 1)[1].strip()!r} but nothing "
                               "is computed on this line (put it on the layer's line)")
        ev = events[-1]
        if shape_m:
            stated = parse_shape(shape_m["shape"])
            if stated != ev.shape:
                raise SnippetError(f"{where}: {ev.layer} output shape stated {stated}, engine computes {ev.shape}")
            checked += 1
        if params_m:
            stated_p = int(re.sub(r"[,_]", "", params_m["n"]))
            if ev.params is None:
                raise SnippetError(f"{where}: states params but {ev.layer} has no weights here")
            if stated_p != ev.params:
                raise SnippetError(f"{where}: {ev.layer} params stated {stated_p}, engine computes {ev.params}")
            checked += 1
    for lineno, events in sorted(rec.events.items()):
        for ev in events:
            if ev.must_state and not (claims.get(lineno, (None, None))[0]):
                raise SnippetError(f"{snippet.where(lineno)}: {ev.layer} must state its output shape "
                                   f"(add `# {_fmt(ev.shape)}`)")
    return checked


def _fmt(shape: tuple) -> str:
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"


def _expression_claim(stmt: ast.Expr, value, rec: Recorder, claims) -> None:
    """`y.shape  # (..)` and `print(y.shape)  # (..)`: record the value's shape on that line."""
    shape = value.shape if hasattr(value, "shape") else value if isinstance(value, tuple) else None
    if shape is not None and stmt.end_lineno in claims and stmt.end_lineno not in rec.events:
        rec.add(stmt.end_lineno, Event(tuple(shape), None, "value", False))


def check_page(page_path: Path, shown_as: str) -> int:
    return sum(check(s) for s in snippets(page_path, shown_as))
