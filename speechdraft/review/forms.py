from django import forms
from django.contrib.auth import get_user_model

MAX_REVIEW_UPLOAD = 20 * 1024 * 1024


class SendForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label="审核人", queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="送审说明", required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    may_edit = forms.BooleanField(label="允许审核人直接修改正文", required=False)

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reviewers is not None:
            self.fields["reviewers"].queryset = reviewers
        self.fields["reviewers"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("return", "退回修改"), ("approve", "审核通过")])
    note = forms.CharField(label="审核意见", required=False, max_length=400)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=400)


class CommentForm(forms.Form):
    section_id = forms.IntegerField(
        min_value=1, error_messages={"required": "请先在正文中选中要批注的文字。"}
    )
    anchor_text = forms.CharField(required=False, max_length=500, strip=False)
    anchor_offset = forms.IntegerField(required=False, min_value=0)
    body = forms.CharField(label="批注", max_length=2000, error_messages={"required": "请填写批注内容。"})


class ReplyForm(forms.Form):
    body = forms.CharField(label="回复", max_length=2000, error_messages={"required": "请填写回复内容。"})


class UploadForm(forms.Form):
    file = forms.FileField(label="审阅稿（.docx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError("请上传 .docx 格式的文件（在 Word/WPS 中“另存为”Word 文档）。")
        if upload.size > MAX_REVIEW_UPLOAD:
            raise forms.ValidationError("文件超过 20 MB，请确认上传的是讲话稿的审阅稿。")
        return upload.read()
