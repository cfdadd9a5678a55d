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
