"""Drive LibreOffice through UNO as a reviewer would; run by Debian's /usr/bin/python3 (python3-uno).

    uno_office.py inspect IN.docx OUT.json       redlines (type, author, text) and comments of a file
    uno_office.py edit IN.docx OUT.docx SPEC.json  with change recording on: edits, a comment, save .docx

SPEC: {"author": "...", "edits": [{"find": "text in a paragraph", "insert": "...", "delete": "..."}],
"comment": {"find": "...", "text": "...", "author": "..."}}. ``insert`` goes right after ``find``;
``delete`` is removed where it first stands in that paragraph; ``"split": true`` presses Enter after
``find``.

Measured on LibreOffice 7.4 (-nogui): documents must be opened hidden (a shown document with comments
aborts soffice), search finds nothing in hidden documents (paragraphs are walked with cursors), and the
bridge can crash while Python exits after the work is done — so the result is flushed and the process
leaves with os._exit. The caller runs this with a private profile, a timeout and a kill by pid.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start_office(workdir: Path):
    pipe = f"speechdraft{os.getpid()}"
    profile = (workdir / "profile").as_uri()
    env = dict(os.environ, HOME=str(workdir))
    office = subprocess.Popen(
        [
            os.environ.get("SPEECHDRAFT_SOFFICE", "soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(200):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 — NoConnectException until soffice listens
            time.sleep(0.1)
    else:
        raise SystemExit("soffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return office, ctx, desktop


def open_hidden(ctx, path: Path):
    """The document model alone, without a frame or view.

    Even a Hidden=True frame builds a view, and the view's comment window needs a dialog file that
    the -nogui package lacks: a document with a comment then aborts soffice. A model loaded through
    XLoadable has no view at all; the text API and storeToURL work on it.
    """
    doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
    doc.load(
        (prop("URL", path.resolve().as_uri()), prop("FilterName", "MS Word 2007 XML"), prop("Hidden", True))
    )
    return doc


def range_text(start, end) -> str:
    cursor = start.getText().createTextCursorByRange(start)
    cursor.gotoRange(end, True)
    return cursor.getString()


def inspect(doc) -> dict:
    redlines = []
    enum = doc.getRedlines().createEnumeration()
    while enum.hasMoreElements():
        r = enum.nextElement()
        redlines.append(
            {
                "type": r.getPropertyValue("RedlineType"),
                "author": r.getPropertyValue("RedlineAuthor"),
                "text": range_text(r.getPropertyValue("RedlineStart"), r.getPropertyValue("RedlineEnd")),
            }
        )
    comments = []
    fields = doc.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        f = fields.nextElement()
        if f.supportsService("com.sun.star.text.TextField.Annotation"):
            comments.append({"author": f.Author, "text": f.Content, "anchor": f.getAnchor().getString()})
    props = doc.getDocumentProperties().getUserDefinedProperties()
    names = [p.Name for p in props.getPropertySetInfo().getProperties()]
    custom = {name: str(props.getPropertyValue(name)) for name in names if name.startswith("speechdraft")}
    return {"redlines": redlines, "comments": comments, "properties": custom}


def paragraph_with(doc, needle: str):
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        para = enum.nextElement()
        if para.supportsService("com.sun.star.text.Paragraph") and needle in para.getString():
            return para
    raise SystemExit(f"no paragraph contains {needle!r}")


def cursor_at(doc, para, offset: int, length: int = 0):
    cursor = doc.getText().createTextCursorByRange(para.getStart())
    cursor.goRight(offset, False)
    if length:
        cursor.goRight(length, True)
    return cursor


def set_user_name(ctx, name: str) -> None:
    """Recorded changes carry the profile's user name, as in Word's 用户名 setting."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    access.setPropertyValue("givenname", name)
    access.setPropertyValue("sn", "")
    access.commitChanges()


def edit(doc, spec: dict) -> None:
    doc.setPropertyValue("RecordChanges", True)
    for change in spec["edits"]:
        para = paragraph_with(doc, change["find"])
        text = para.getString()
        if change.get("delete"):
            at = text.index(change["delete"])
            cursor_at(doc, para, at, len(change["delete"])).setString("")
            text = para.getString()
        if change.get("insert"):
            at = text.index(change["find"]) + len(change["find"])
            doc.getText().insertString(cursor_at(doc, para, at), change["insert"], False)
        if change.get("split"):
            # Enter pressed right after ``find``: the paragraph is split in two.
            at = text.index(change["find"]) + len(change["find"])
            doc.getText().insertControlCharacter(cursor_at(doc, para, at), 0, False)  # PARAGRAPH_BREAK
    comment = spec.get("comment")
    if comment:
        para = paragraph_with(doc, comment["find"])
        at = para.getString().index(comment["find"])
        annotation = doc.createInstance("com.sun.star.text.textfield.Annotation")
        annotation.Author = comment["author"]
        annotation.Content = comment["text"]
        doc.getText().insertTextContent(cursor_at(doc, para, at, len(comment["find"])), annotation, True)


def main() -> None:
    mode, source = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="speechdraft-uno-") as tmp:
        office, ctx, desktop = start_office(Path(tmp))
        try:
            doc = open_hidden(ctx, source)
            if mode == "inspect":
                Path(sys.argv[3]).write_text(json.dumps(inspect(doc), ensure_ascii=False), encoding="utf-8")
            else:
                spec = json.loads(Path(sys.argv[4]).read_text(encoding="utf-8"))
                set_user_name(ctx, spec.get("author", ""))
                edit(doc, spec)
                target = Path(sys.argv[3]).resolve()
                doc.storeToURL(target.as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)
        finally:
            # The bridge often drops while soffice terminates; the work is already saved.
            with contextlib.suppress(Exception):
                desktop.terminate()
            try:
                office.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(office.pid, 9)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
