// Drag and drop for the lists of the editor that the host puts in order ([data-reorder]).
// Each item carries the address that places it; a drop posts the item's new index there through
// #reorder-form. Without script the items' Move up and Move down buttons post the same.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const form = document.getElementById("reorder-form");
  if (!form) {
    return;
  }
  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    let dragged = null;
    const items = function () {
      return Array.from(list.children).filter(function (item) { return item.dataset.moveUrl; });
    };
    items().forEach(function (item) {
      item.draggable = true;
      item.addEventListener("dragstart", function (event) {
        // A nested list's item is dragged within its own list only.
        event.stopPropagation();
        dragged = item;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.moveUrl);
      });
      item.addEventListener("dragend", function () { dragged = null; });
      item.addEventListener("dragover", function (event) {
        if (dragged) {
          event.preventDefault();
        }
      });
      item.addEventListener("drop", function (event) {
        if (!dragged) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        if (dragged !== item) {
          form.action = dragged.dataset.moveUrl;
          form.elements.to.value = String(items().indexOf(item));
          form.submit();
        }
      });
    });
  });
});
