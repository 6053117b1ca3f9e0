/* convfig step-through viewer: previous / play / next over the per-step PNG frames of an animation.
 *
 * Markup (written by convfig/mkdocs/html.py): a <figure> holding one <picture> per theme (the GIF, with a
 * reduced-motion <source> showing the poster) and a div.convfig-stepper with data-count, data-steps
 * (JSON list of step texts) and data-frames-light / data-frames-dark (folders of 000.png ...).
 * Until the reader touches a control the GIF plays (or the poster shows, with reduced motion); after
 * that the viewer shows single frames. Keys (focus inside the controls): ← → Home End, Space = play.
 */
(function () {
  "use strict";

  function pad(i) {
    return ("00" + i).slice(-3);
  }

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var figure = box.closest("figure");
    var count = parseInt(box.dataset.count, 10) || 0;
    var delay = parseInt(box.dataset.delay, 10) || 900;
    var steps = [];
    try {
      steps = JSON.parse(box.dataset.steps || "[]");
    } catch (e) {
      steps = [];
    }
    if (!figure || count < 1) return;
    var prev = box.querySelector(".convfig-prev");
    var next = box.querySelector(".convfig-next");
    var play = box.querySelector(".convfig-play");
    var counter = box.querySelector(".convfig-counter");
    var text = box.querySelector(".convfig-step-text");
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var index = -1; // -1: the GIF (or the poster) is showing
    var timer = null;

    function frame(theme, i) {
      return box.dataset["frames" + theme.charAt(0).toUpperCase() + theme.slice(1)] + pad(i) + ".png";
    }

    function show(i) {
      index = (i + count) % count;
      ["light", "dark"].forEach(function (theme) {
        var pic = figure.querySelector("picture.convfig-" + theme);
        if (!pic) return;
        var src = frame(theme, index);
        var img = pic.querySelector("img");
        pic.querySelectorAll("source").forEach(function (s) {
          s.srcset = src;
        });
        if (img) {
          img.loading = "eager";
          img.src = src + "#only-" + theme;
        }
      });
      counter.textContent = "Step " + (index + 1) + " of " + count;
      text.textContent = steps[index] || "";
    }

    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      play.textContent = "Play";
      text.setAttribute("aria-live", "polite");
    }

    function start() {
      if (index < 0 || index === count - 1) show(0);
      text.setAttribute("aria-live", "off"); // no chatter while it runs; the text updates anyway
      timer = window.setInterval(function () {
        if (index >= count - 1) {
          stop();
        } else {
          show(index + 1);
        }
      }, delay);
      play.textContent = "Pause";
    }

    function step(delta) {
      stop();
      show(index < 0 ? (delta > 0 ? 0 : count - 1) : index + delta);
    }

    function jump(i) {
      stop();
      show(i);
    }

    prev.addEventListener("click", function () {
      step(-1);
    });
    next.addEventListener("click", function () {
      step(1);
    });
    play.addEventListener("click", function () {
      if (timer || (index < 0 && !reduce)) {
        // pausing the GIF: hold the first frame, since a GIF cannot tell where it is
        if (index < 0) show(0);
        stop();
      } else {
        start();
      }
    });
    box.addEventListener("keydown", function (ev) {
      var key = ev.key;
      if (key === "ArrowLeft") step(-1);
      else if (key === "ArrowRight") step(1);
      else if (key === "Home") jump(0);
      else if (key === "End") jump(count - 1);
      else return;
      ev.preventDefault();
    });
    if (reduce) {
      play.textContent = "Play";
      counter.textContent = "Poster (reduced motion): use Play or the arrows to step";
    } else {
      counter.textContent = "Animation playing: " + count + " steps";
    }
    box.hidden = false;
  }

  function init() {
    document.querySelectorAll(".convfig-stepper").forEach(setup);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init); // Material's page-load stream (instant navigation)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
