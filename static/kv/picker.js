// A picker (kantor_virtual/pickers.py) works without script: boxes to tick and a "Cari" button.
// Here it becomes an ARIA combobox: typing asks the server for matches (htmx, on the search box),
// arrows move through them, Enter or a click chooses, Escape closes; the chosen stay checked boxes
// named like the field, each with a button to remove it.
(() => {
  "use strict";

  const chip = (picker, value, label, detail) => {
    const item = document.createElement("li");
    item.className = "picker-chip";
    const wrap = document.createElement("label");
    wrap.className = "form-check-label";
    const box = document.createElement("input");
    box.className = "form-check-input me-1";
    box.type = picker.hasAttribute("data-multiple") ? "checkbox" : "radio";
    box.name = picker.dataset.name;
    box.value = value;
    box.checked = true;
    box.dataset.label = label;
    wrap.append(box, label);
    item.append(wrap);
    if (detail) {
      const small = document.createElement("small");
      small.className = "text-body-secondary";
      small.textContent = detail;
      item.append(" ", small);
    }
    return item;
  };

  const addRemoveButton = (picker, item) => {
    const box = item.querySelector("input");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn-close picker-remove";
    button.setAttribute("aria-label", `Hapus ${box.dataset.label}`);
    button.addEventListener("click", () => {
      item.remove();
      announce(picker, `${box.dataset.label} dihapus.`);
      picker.querySelector("[data-picker-input]").focus();
      changed(picker);
    });
    item.append(button);
  };

  const announce = (picker, text) => {
    picker.querySelector("[data-picker-status]").textContent = text;
  };

  const changed = (picker) => picker.dispatchEvent(new CustomEvent("kv-picker-change", { bubbles: true }));

  // Options drawn for the page without script hold a box to tick; as listbox options they hold text.
  const asOptions = (list) => {
    list.querySelectorAll("[data-picker-none]").forEach((item) => item.remove());
    list.querySelectorAll("li[data-value]").forEach((item, index) => {
      const label = item.querySelector("label");
      if (label) {
        label.querySelector("input").remove();
        item.replaceChildren(...label.childNodes);
      }
      item.id = `${list.id}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
    });
    return list.querySelectorAll("li[role=option]");
  };

  const enhance = (picker) => {
    if (picker.dataset.pickerReady) return;
    picker.dataset.pickerReady = "true";
    const input = picker.querySelector("[data-picker-input]");
    const list = picker.querySelector("[data-picker-options]");
    const chosen = picker.querySelector("[data-picker-chosen]");
    const noun = picker.dataset.noun;
    picker.querySelector("[data-picker-search-button]").remove();
    chosen.querySelectorAll("li").forEach((item) => addRemoveButton(picker, item));
    asOptions(list);
    const suggestions = list.innerHTML;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", `Pilihan ${noun}`);
    list.hidden = true;

    const options = () => [...list.querySelectorAll("li[role=option]")];
    const active = () => list.querySelector("li[role=option].active");

    const open = () => {
      list.hidden = options().length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    };
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    const highlight = (option) => {
      options().forEach((item) => {
        item.classList.toggle("active", item === option);
        item.setAttribute("aria-selected", String(item === option));
      });
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    const showSuggestions = () => {
      list.innerHTML = suggestions;
    };

    const choose = (option) => {
      const value = option.dataset.value;
      const label = option.dataset.label;
      const detail = option.querySelector(".picker-detail")?.textContent || "";
      const already = [...chosen.querySelectorAll("input")].some((box) => box.value === value);
      if (!already) {
        if (!picker.hasAttribute("data-multiple")) chosen.replaceChildren();
        const item = chip(picker, value, label, detail);
        addRemoveButton(picker, item);
        chosen.append(item);
      }
      input.value = "";
      showSuggestions();
      close();
      announce(picker, already ? `${label} sudah dipilih.` : `${label} dipilih.`);
      if (!already) changed(picker);
    };

    input.addEventListener("focus", open);
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("input", () => {
      if (input.value.trim()) {
        // What is listed answers the words before these: nothing to choose until the new answer comes.
        list.replaceChildren();
        close();
      } else {
        showSuggestions();
        open();
      }
    });
    input.addEventListener("keydown", (event) => {
      const items = options();
      const current = items.indexOf(active());
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) open();
        if (!items.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight(items[(current + step + items.length) % items.length]);
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter in the box chooses; it never sends the form half-filled
        if (!list.hidden && active()) choose(active());
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          input.value = "";
          showSuggestions();
        }
      }
    });
    list.addEventListener("mousedown", (event) => event.preventDefault()); // the box keeps the focus
    list.addEventListener("click", (event) => {
      const option = event.target.closest("li[role=option]");
      if (option) choose(option);
    });
    list.addEventListener("htmx:afterSwap", () => {
      if (!input.value.trim()) showSuggestions();
      const found = asOptions(list).length;
      highlight(null);
      if (input.value.trim()) {
        announce(
          picker,
          found
            ? `${found} ${noun} cocok; pilih dengan panah bawah lalu Enter.`
            : `Tidak ada ${noun} yang cocok dengan “${input.value.trim()}”.`,
        );
      }
      if (document.activeElement === input) open();
    });
  };

  const enhanceWithin = (root) => {
    if (root.matches?.("[data-picker]")) enhance(root);
    root.querySelectorAll?.("[data-picker]").forEach(enhance);
  };

  document.addEventListener("DOMContentLoaded", () => enhanceWithin(document));
  document.addEventListener("htmx:load", (event) => enhanceWithin(event.detail.elt));
})();
