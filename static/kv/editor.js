// The editor injects its base rules as an inline <style> unless one marked data-tiptap-style is
// already there. The Content-Security-Policy allows no inline style but an empty one (settings):
// place that empty element first, before the editor's module runs; the rules are in kv/prosemirror.css.
if (!document.querySelector("style[data-tiptap-style]")) {
  const placeholder = document.createElement("style");
  placeholder.dataset.tiptapStyle = "";
  document.head.append(placeholder);
}

// The rich-text editor replaces its textarea with an editable area: give that area the textarea's
// label and help text, so screen readers announce it like any other field.
document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail;
  const area = editor.view.dom;
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label) {
    label.id = label.id || `${textarea.id}_label`;
    area.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", () => editor.commands.focus());
  }
  const describedBy = textarea.getAttribute("aria-describedby");
  if (describedBy) area.setAttribute("aria-describedby", describedBy);
  if (textarea.getAttribute("aria-invalid")) area.setAttribute("aria-invalid", "true");
});
