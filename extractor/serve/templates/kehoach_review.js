(function () {
  "use strict";
  var KEY = "kehoach_who";
  var flags = Array.prototype.slice.call(document.querySelectorAll("article.flag"));
  var names = Array.prototype.slice.call(document.querySelectorAll("form.decide input[name=who]"));

  // The reviewer's name: one value for every form on the page, remembered in this browser.
  var stored = "";
  try { stored = window.localStorage.getItem(KEY) || ""; } catch (e) { stored = ""; }
  names.forEach(function (input) {
    if (!input.value.trim() && stored) { input.value = stored; }
    input.addEventListener("input", function () {
      var v = input.value;
      names.forEach(function (other) { if (other !== input) { other.value = v; } });
      try { window.localStorage.setItem(KEY, v.trim()); } catch (e) { /* private mode */ }
    });
  });

  function current() {
    var el = document.activeElement;
    var art = el && el.closest ? el.closest("article.flag") : null;
    if (art) { return art; }
    var hash = window.location.hash.slice(1);
    return (hash && document.getElementById(hash)) || null;
  }

  function go(step) {
    var at = flags.indexOf(current());
    var next = flags[Math.max(0, Math.min(flags.length - 1, at < 0 ? 0 : at + step))];
    if (next) { next.focus(); next.scrollIntoView({block: "center"}); }
  }

  function decide(art, decision) {
    if (!art) { return; }
    var form = art.querySelector("form.decide");
    var button = form.querySelector("button[value=" + decision + "]");
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (ev.key === "Escape") { ev.target.blur(); var a = ev.target.closest("article.flag"); if (a) { a.focus(); } }
      return;
    }
    var art = current();
    switch (ev.key) {
      case "j": go(1); break;
      case "k": go(-1); break;
      case "a": decide(art, "accept"); break;
      case "d": decide(art, "dismiss"); break;
      case "c": if (art) { art.querySelector("textarea[name=comment]").focus(); } break;
      case "n": if (art) { art.querySelector("input[name=who]").focus(); } else if (names[0]) { names[0].focus(); } break;
      default: return;
    }
    ev.preventDefault();
  });

  // back from a decision (#flag-…): focus that finding so the keys act on it
  var landed = current();
  if (landed) { landed.focus({preventScroll: true}); }
  var err = document.querySelector(".pending-error");
  if (err) { err.scrollIntoView({block: "center"}); }
})();
