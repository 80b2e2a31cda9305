// Draws the page's diagrams: each ```mermaid block of the Markdown is a
// <pre class="mermaid"> holding the diagram's source, which mermaid.min.js
// (loaded before this script, on pages with diagrams only) turns into an
// SVG, in the site's light or dark colours, drawn again when the reader
// switches. Without script, or when a diagram does not parse, the source
// stays as it is.
//
// Content never runs script: mermaid runs at securityLevel "strict" (labels
// and the finished SVG pass through DOMPurify, click callbacks are off) and
// its interaction functions are never bound. A diagram's init directive
// cannot change these settings, nor inject CSS or a sanitizer
// configuration: those keys are in the secure list.
(function () {
  "use strict";
  var mermaid = window.mermaid;
  if (!mermaid) return;
  mermaid.startOnLoad = false; // this script draws, not mermaid's own on-load run
  var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (!blocks.length) return;
  var root = document.documentElement;
  var dark = matchMedia("(prefers-color-scheme: dark)");
  var sources = blocks.map(function (b) { return b.textContent; });
  var drawn = "", count = 0, queue = Promise.resolve();

  var scheme = function () {
    var t = root.getAttribute("data-theme");
    return (t ? t === "dark" : dark.matches) ? "dark" : "default";
  };

  // Each diagram is drawn out of sight beside its block, then put in it:
  // what the reader sees changes once, when the diagram is ready.
  var draw = function (b, i) {
    var id = "kb-diagram-" + (++count);
    var scratch = document.createElement("pre");
    scratch.className = "mermaid diagram-scratch";
    scratch.setAttribute("data-diagram", "drawing");
    scratch.setAttribute("aria-hidden", "true");
    scratch.style.width = b.clientWidth + "px"; // a Gantt chart takes its width from its block
    b.parentNode.insertBefore(scratch, b.nextSibling);
    return mermaid.render(id, sources[i], scratch).then(function (r) {
      b.innerHTML = r.svg; // sanitised by mermaid (strict)
      b.setAttribute("data-diagram", "drawn");
    }, function () {
      b.textContent = sources[i];
      b.setAttribute("data-diagram", "failed");
    }).then(function () {
      scratch.remove();
    });
  };

  var drawAll = function () {
    var theme = scheme();
    if (theme === drawn) return;
    drawn = theme;
    queue = queue.then(function () {
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: theme,
        // The dark theme's edge labels fall short of 4.5:1 contrast.
        themeVariables: theme === "dark" ? { edgeLabelBackground: "#30363d" } : {},
        suppressErrorRendering: true,
        secure: ["secure", "securityLevel", "startOnLoad", "maxTextSize", "maxEdges", "suppressErrorRendering",
          "dompurifyConfig", "themeCSS", "fontFamily", "altFontFamily"]
      });
      return blocks.reduce(function (p, b, i) {
        return p.then(function () { return draw(b, i); });
      }, Promise.resolve());
    });
  };

  drawAll();
  new MutationObserver(drawAll).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  dark.addEventListener("change", drawAll);
})();
