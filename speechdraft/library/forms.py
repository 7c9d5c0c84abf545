from django import forms

from speechdraft.formtools import StorableTextMixin

from .models import Block, Category, SpeechTemplate, Tag, TemplateSlot


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError("请选择至少一个文件。")
        return files


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="语料文件",
        help_text="可一次选择多个 .txt、.docx、.doc 文件。",
        widget=MultipleFileInput(attrs={"accept": ".txt,.docx,.doc"}),
    )


class BlockFilterForm(StorableTextMixin, forms.Form):
    q = forms.CharField(label="搜索", required=False)
    category = forms.ModelChoiceField(
        Category.objects.all(), label="分类", required=False, empty_label="全部分类"
    )
    tag = forms.ModelChoiceField(
        Tag.objects.all(), label="标签", required=False, empty_label="全部标签", to_field_name="name"
    )

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["category"]:
            qs = qs.filter(category=data["category"])
        if data["tag"]:
            qs = qs.filter(tags=data["tag"])
        if data["q"]:
            qs = qs.search(data["q"])
        return qs


class BlockForm(StorableTextMixin, forms.ModelForm):
    tag_names = forms.CharField(label="标签", required=False, help_text="用空格或逗号分隔多个标签。")

    class Meta:
        model = Block
        fields = ["title", "role", "category", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def clean_tag_names(self) -> list[str]:
        raw = self.cleaned_data["tag_names"].replace("，", ",").replace("、", ",").replace(",", " ")
        return list(dict.fromkeys(t for t in raw.split() if t))[:20]

    def save_tags(self, block: Block) -> None:
        tags = [Tag.objects.get_or_create(name=name[:40])[0] for name in self.cleaned_data["tag_names"]]
        block.tags.set(tags)


class TemplateFromDocumentForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=80)
    kind = forms.CharField(label="讲话类别", max_length=40, help_text="例如：代表座谈会、人大代表培训班。")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if SpeechTemplate.objects.filter(name=name).exists():
            raise forms.ValidationError("已有同名模板，请换一个名称。")
        return name


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SpeechTemplate
        fields = ["name", "kind", "description", "numbering", "run_in_headings", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TemplateSlotForm(forms.ModelForm):
    class Meta:
        model = TemplateSlot
        fields = ["order", "role", "title", "heading_pattern", "guidance", "example_text", "default_text"]
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 2}),
            "example_text": forms.Textarea(attrs={"rows": 6}),
            "default_text": forms.Textarea(attrs={"rows": 1}),
        }


TemplateSlotFormSet = forms.inlineformset_factory(
    SpeechTemplate, TemplateSlot, form=TemplateSlotForm, extra=1, can_delete=True
)
