"""Make 审阅稿 files by hand: an exported .docx with its XML edited the way Word would write it."""

import io
import zipfile

W_ATTRS = 'w:author="张处长" w:date="2099-01-01T09:00:00Z"'


def rewrite(data: bytes, entry: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == entry:
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def replace_run(data: bytes, text: str, xml: str) -> bytes:
    """Replace the plain run holding exactly ``text`` by ``xml`` (runs, w:ins, w:del …)."""
    run = f"<w:r><w:t>{text}</w:t></w:r>"

    def edit(document: str) -> str:
        assert document.count(run) == 1, f"{text!r} is not one run"
        return document.replace(run, xml)

    return rewrite(data, "word/document.xml", edit)


def r(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def ins(text: str, attrs: str = W_ATTRS) -> str:
    return f'<w:ins w:id="9001" {attrs}><w:r><w:t>{text}</w:t></w:r></w:ins>'


def dele(text: str, attrs: str = W_ATTRS) -> str:
    return f'<w:del w:id="9002" {attrs}><w:r><w:delText>{text}</w:delText></w:r></w:del>'
