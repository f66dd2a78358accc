/* Presentation mode: arrow keys, Page Up/Down and the space bar move between slides (the buttons
   do the work, so a keyboard, a clicker and a mouse all take the same path). */
document.addEventListener("keydown", function (event) {
  if (!document.getElementById("slide")) return;
  var target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
  var next = ["ArrowRight", "PageDown", " "].indexOf(event.key) >= 0;
  var prev = ["ArrowLeft", "PageUp"].indexOf(event.key) >= 0;
  if (!next && !prev) return;
  event.preventDefault();
  var button = document.getElementById(next ? "slide-next" : "slide-prev");
  if (button) button.click();
});
