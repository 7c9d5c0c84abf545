"""The admin form for 规范检查 rules: a 管理员's regular expression is tried before it is saved."""

import regex
from django import forms
from django.core.exceptions import ValidationError

from .models import LintRule

# How long a pattern may take on a probe text when it is saved; at run time each rule gets
# speechdraft.text.lint.FORMULATION_TIMEOUT_SECONDS per speech.
PROBE_TIMEOUT_SECONDS = 0.2
_PROBE_REPEAT = 40
_SPEECH_SAMPLE = (
    "各位代表、同志们：今天召开的会议，主要任务是总结工作、部署任务。"
    "一、坚持党的领导，依法履职尽责。（一）加强监督工作，提高审议质量。" * 20
)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` must not be saved as a regular expression, or None.

    Besides syntax, the pattern runs on texts made of long runs of its own characters, which is where
    nested repetition such as ``(代|代)+$`` backtracks for minutes.
    """
    try:
        compiled = regex.compile(pattern)
    except regex.error as exc:
        return f"正则表达式有误：{exc}。请检查括号和特殊符号，或取消“正则表达式”按普通文字查找。"
    characters = [c for c in dict.fromkeys(pattern) if c.isalnum()][:12] or ["代"]
    probes = [_SPEECH_SAMPLE] + [c * _PROBE_REPEAT + tail for c in characters for tail in ("", "！", "\n")]
    try:
        for probe in probes:
            for _match in compiled.finditer(probe, timeout=PROBE_TIMEOUT_SECONDS):
                pass
    except TimeoutError:
        return (
            "这个正则表达式在较长的文字上会运行很久（多半是嵌套的重复，如 (代|代)+ 或 (代+)+），"
            "会拖慢每一次规范检查。请去掉嵌套的重复后再保存。"
        )
    return None


class LintRuleAdminForm(forms.ModelForm):
    class Meta:
        model = LintRule
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("is_regex") and data.get("pattern"):
            problem = pattern_problem(data["pattern"])
            if problem:
                raise ValidationError({"pattern": problem})
        return data
