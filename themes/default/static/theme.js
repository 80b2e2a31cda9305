// Applies the saved colour scheme before the page paints.
(function () {
  try {
    var t = localStorage.getItem("kb-theme");
    if (t === "dark" || t === "light") document.documentElement.dataset.theme = t;
  } catch (e) {}
})();
