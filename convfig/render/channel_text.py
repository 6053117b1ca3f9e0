"""Words of the channels figure (kinds/channels.py): title, header lines, note, shapes line, step line and
alt text, all from the ConvSpec (and the trace for the step count). Text only: no positions."""

from __future__ import annotations

from convfig.compute import Trace
from convfig.render import fmt
from convfig.spec import ConvSpec


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def title(cs: ConvSpec) -> str:
    return (f"{cs.layer_name}: {plural(cs.channels, 'input channel')} {fmt.TIMES} "
            f"{plural(cs.filters, 'filter')}" + (f", groups={cs.groups}" if cs.groups > 1 else ""))


def head_texts(cs: ConvSpec) -> tuple[str, str, str, str]:
    """Input label, its muted line, output label, its muted line."""
    C, F = cs.channels, cs.filters
    return (f"input {fmt.shape(tuple(cs.input_shape) + (C,))}",
            f"{plural(C, 'channel')} = last dim {fmt.DOT} padding {cs.describe_padding()}",
            f"output {fmt.shape(cs.output_shape)}", f"{plural(F, 'map')} = last dim")


def note(cs: ConvSpec) -> list[str]:
    C, G, ks = cs.channels, cs.groups, fmt.shape(cs.kernel_size)
    if C == 1:
        lines = [f"With one input channel each filter is a single {ks} kernel.",
                 "Filter f writes output map f: the filters are the last dim of the output."]
    elif G == 1:
        lines = [f"Each filter has one {ks} slice per input channel ({C}) and adds their sums:",
                 "fully connected across channels. Filter f writes output map f (the last dim)."]
    else:
        lines = [f"groups={G}: each filter has slices only for the {plural(C // G, 'channel')} of its group,",
                 f"not for all {C}. Filter f writes output map f (the last dim)."]
    if any(a or z for a, z in cs.pads):
        lines[-1] += " Hatched cells are zero padding."
    return lines


def shapes_line(cs: ConvSpec) -> str:
    cg, F = cs.channels // cs.groups, cs.filters
    kparts = fmt.TIMES.join(str(k) for k in cs.kernel_size)
    return (f"input {fmt.tuple_str(tuple(cs.input_shape) + (cs.channels,))} {fmt.ARROW} output "
            f"{fmt.tuple_str(cs.output_shape)} {fmt.DOT} params {kparts}{fmt.TIMES}{cg}{fmt.TIMES}{F} + {F} = "
            f"{cs.params}")


def step_line(tr: Trace, i: int) -> str:
    st = tr.steps[i]
    pos = ", ".join(str(int(p)) for p in st.out_pos)
    return f"step {i + 1}/{len(tr.steps)}: output[{pos}, :] \u2014 the window at the same place on every channel"


def alt(cs: ConvSpec, tr: Trace) -> str:
    C, F, cg = cs.channels, cs.filters, cs.channels // cs.groups
    return (f"Animation of {cs.keras_call()} on an input of shape {fmt.tuple_str(tuple(cs.input_shape) + (C,))} "
            f"({plural(C, 'channel')}, padding {cs.describe_padding()}"
            + (f", groups={cs.groups}" if cs.groups > 1 else "") + f"): {plural(F, 'filter')}, each a stack of "
            f"{cg} {fmt.shape(cs.kernel_size)} kernel slice{'s' if cg > 1 else ''}, produce an output of shape "
            f"{fmt.tuple_str(cs.output_shape)} {fmt.EN_DASH} one output map per filter, filters as the last "
            f"dimension. Each of the {len(tr.steps)} frames highlights the same window on every channel, shows "
            f"each channel's partial sum and each filter's total. {cs.params} parameters.")
