import json

from django import forms
from django.contrib.auth import get_user_model

from speechdraft.formtools import StorableTextMixin, strip_unstorable
from speechdraft.library.forms import BlockFilterForm
from speechdraft.library.models import Role
from speechdraft.text.printing import PlaceholderUse, normalise_value

from .models import Speech, SpeechSection, display_name
from .services import MAX_SECTIONS

MAX_PLACEHOLDER_VALUES = 200
HEADING_MAX = SpeechSection._meta.get_field("heading").max_length
DISTRICT_KEY = "区名"


def _clean_values(raw: dict) -> dict[str, str]:
    """Placeholder values as stored: names to non-empty values, 区名 without its trailing 区."""
    values = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, str) or not key.strip() or len(key) > 40:
            raise forms.ValidationError("占位符的名称或取值格式不正确，请刷新页面后重新填写。")
        value = normalise_value(key.strip(), value)[:100]
        if value:
            values[key.strip()] = value
    return values


class NewSpeechForm(StorableTextMixin, forms.ModelForm):
    """The occasion of a new speech, plus a value for each placeholder the template's text contains.

    The speech's own fields and their limits come from the model; only 区名 and the placeholders are
    added here.
    """

    district = forms.CharField(
        label="区名",
        max_length=40,
        required=False,
        help_text="填写后，文中“×区”“**区”等处都会替换，例如：云岩。",
    )
    use_example = forms.BooleanField(
        label="以范文为底稿",
        required=False,
        help_text="不勾选时，各部分只带写作提示和参考范文，正文由您来写；勾选后各部分以模板的参考范文开头，"
        "其中外地的事实和未填的占位符要逐一改掉。",
    )

    class Meta:
        model = Speech
        fields = ["title", "speaker", "date", "occasion", "place"]
        labels = {"occasion": "会议名称"}
        help_texts = {"title": "例如：在全区人大代表培训班上的讲话", "speaker": "印在标题下方，可不填。"}
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, placeholders: list[PlaceholderUse] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder_fields = []
        for index, use in enumerate(p for p in placeholders if p.key != DISTRICT_KEY):
            name = f"ph_{index}"
            self.fields[name] = forms.CharField(
                label=f"占位符“{use.key}”" + (f"（{use.kind}）" if use.kind else ""),
                max_length=100,
                required=False,
                help_text=f"出现 {use.count} 处，如：…{use.example}…",
            )
            self.placeholder_fields.append((name, use.key))

    def clean(self):
        data = super().clean()
        raw = {key: data.get(name, "") for name, key in self.placeholder_fields}
        raw[DISTRICT_KEY] = data.get("district", "")
        data["placeholder_values"] = _clean_values(raw)
        return data


class SpeechMetaForm(StorableTextMixin, forms.ModelForm):
    """The speech's own fields as the editor shows them; limits come from the model, once."""

    class Meta:
        model = Speech
        fields = ["title", "speaker", "date", "status", "occasion", "place", "numbering", "run_in_headings"]
        labels = {"occasion": "会议名称", "numbering": "部分编号"}
        error_messages = {
            "title": {"required": "标题不能为空，请填写标题后再保存。"},
            "date": {"invalid": "日期格式不正确，请按“2024-07-20”填写。"},
        }
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control", "required": True}),
            "speaker": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "date": forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
            ),
            "status": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "occasion": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "place": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "numbering": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "run_in_headings": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class SpeechSaveForm(SpeechMetaForm):
    """One editor save: the speech fields, every section in order, and the placeholder values.

    ``sections`` and ``placeholder_values`` arrive as JSON strings so that the same form serves the
    fetch of an autosave and the beacon sent when the page is left. ``explicit`` marks a save the
    writer asked for (保存, Ctrl+S): it is always kept as its own revision. ``resolutions`` carries
    the writer's choice per conflicting section after a conflict.
    """

    base_version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    sections = forms.CharField(strip=False)
    placeholder_values = forms.CharField(required=False, strip=False)
    explicit = forms.BooleanField(required=False)
    resolutions = forms.CharField(required=False, strip=False)

    def clean_resolutions(self) -> dict[str, str]:
        try:
            raw = json.loads(self.cleaned_data["resolutions"] or "{}")
        except ValueError:
            raw = None
        if not isinstance(raw, dict) or any(v not in ("mine", "theirs") for v in raw.values()):
            raise forms.ValidationError("冲突处理的选择格式不正确，请刷新页面后重试。")
        return {str(k)[:60]: v for k, v in raw.items()}

    def clean_sections(self) -> list[dict]:
        try:
            items = strip_unstorable(json.loads(self.cleaned_data["sections"]))
        except ValueError:
            items = None
        if not isinstance(items, list):
            raise forms.ValidationError("段落数据格式不正确，请刷新页面后重试。")
        if len(items) > MAX_SECTIONS:
            raise forms.ValidationError(f"一篇讲话稿最多 {MAX_SECTIONS} 个段落，请合并部分段落后再保存。")
        roles = set(Role.values)
        sections = []
        for item in items:
            if not isinstance(item, dict) or item.get("role") not in roles:
                raise forms.ValidationError("段落数据格式不正确，请刷新页面后重试。")
            heading = str(item.get("heading") or "").replace("\n", " ").strip()
            if len(heading) > HEADING_MAX:
                raise forms.ValidationError(f"段落标题最多 {HEADING_MAX} 字，请把较长的内容移到正文中。")
            sections.append(
                {
                    "key": str(item.get("key") or "")[:40],
                    "id": _int_or_none(item.get("id")),
                    "role": item["role"],
                    "heading": heading,
                    "body": str(item.get("body") or "").replace("\r\n", "\n"),
                    "source_block": _int_or_none(item.get("source_block")),
                }
            )
        return sections

    def clean_placeholder_values(self) -> dict[str, str]:
        raw = self.cleaned_data["placeholder_values"] or "{}"
        try:
            values = strip_unstorable(json.loads(raw))
        except ValueError:
            values = None
        if not isinstance(values, dict) or len(values) > MAX_PLACEHOLDER_VALUES:
            raise forms.ValidationError("占位符的名称或取值格式不正确，请刷新页面后重新填写。")
        return _clean_values(values)

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""


def _int_or_none(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class SpeechSearchForm(StorableTextMixin, forms.Form):
    SORTS = {"recent": ("-updated_at", "-id"), "created": ("-created_at", "-id"), "title": ("title", "id")}

    q = forms.CharField(label="搜索", required=False, max_length=100)
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("recent", "最近修改"), ("created", "最近新建"), ("title", "按标题")],
    )

    def filter(self, qs):
        if not self.is_valid():
            return qs.order_by(*self.SORTS["recent"])
        q = self.cleaned_data["q"].strip()
        if q:
            qs = qs.search(q)
        return qs.order_by(*self.SORTS[self.cleaned_data["sort"] or "recent"])


class ShareForm(StorableTextMixin, forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="同事", empty_label="请选择同事"
    )
    can_edit = forms.TypedChoiceField(
        label="权限",
        choices=[("0", "可查看"), ("1", "可编辑")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, speech: Speech, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=speech.owner_id).order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{display_name(u)}（{u.username}）"


class RevisionNameForm(StorableTextMixin, forms.Form):
    name = forms.CharField(
        label="版本名称",
        max_length=60,
        required=False,
        help_text="例如：送审稿、定稿。留空则取消名称。",
        error_messages={"max_length": "版本名称最多 60 个字，请缩短后再保存。"},
    )


class BlockPanelFilterForm(BlockFilterForm):
    """The library's block search, as the editor's narrow 段落素材库 panel shows it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "class": "form-control form-control-sm",
                "type": "search",
                "placeholder": "关键词，如：依法履职",
                "aria-label": "搜索素材",
            }
        )
        self.fields["q"].widget.input_type = "search"
        self.fields["category"].widget.attrs.update(
            {"class": "form-select form-select-sm", "aria-label": "素材分类"}
        )


class RevisionNumbersField(forms.Field):
    """Revision numbers from ticked rows (``?rev=3&rev=7``); which of them exist is the view's business."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        numbers = []
        for item in value or []:
            if not str(item).isdigit() or not 0 < int(item) < 2**31:
                raise forms.ValidationError("版本号必须是正整数，请重新勾选。")
            numbers.append(int(item))
        return numbers


class DiffForm(forms.Form):
    """Two revisions to compare: ``a`` and ``b`` by number, or two ticked rows (``rev``)."""

    a = forms.IntegerField(label="旧版本", min_value=1, max_value=2**31 - 1, required=False)
    b = forms.IntegerField(label="新版本", min_value=1, max_value=2**31 - 1, required=False)
    rev = RevisionNumbersField(required=False)

    def clean(self):
        data = super().clean()
        ticked = sorted(set(data.get("rev") or []))
        if ticked:
            if len(ticked) != 2:
                raise forms.ValidationError("请勾选两个版本进行比较。")
            data["a"], data["b"] = ticked
        elif not data.get("a") or not data.get("b"):
            raise forms.ValidationError("请填写两个版本号（正整数）进行比较。")
        return data
