// Runs in <head> before the page paints: applies the colour scheme the reader
// chose (no flash of the wrong scheme) and marks that scripts run, so the CSS
// can turn the sidebar into a menu.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var t = localStorage.getItem("kb-theme");
    if (t === "dark" || t === "light") root.setAttribute("data-theme", t);
  } catch (e) {}
})();
