/*
 * Real-user monitoring: the web vitals of this page load (Google's web-vitals library, vendored
 * beside this file) and its Navigation Timing, sent to POST /rum with navigator.sendBeacon when the
 * page is hidden. No cookie: the session is a random id in sessionStorage, so it ends with the tab.
 * The template is the view the page was loaded on (home, search, detail); views counts the
 * views of the session (hash routes), which gives the bounce rate; duration is the session's age.
 */
(function () {
  'use strict';
  if (!window.webVitals || !navigator.sendBeacon || !window.sessionStorage || !window.crypto) return;

  function template(hash) {
    var h = (hash || '').replace(/^#/, '');
    if (h.indexOf('/listing/') === 0) return 'detail';
    if (h === '/search' || h.indexOf('/search?') === 0) return 'search';
    return 'home';
  }

  function session() {
    try {
      var sid = sessionStorage.getItem('hx.rum.sid');
      var start = Number(sessionStorage.getItem('hx.rum.start'));
      if (!sid || !/^[0-9a-f]{32}$/.test(sid) || !isFinite(start) || start <= 0) {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        sid = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
        start = Date.now();
        sessionStorage.setItem('hx.rum.sid', sid);
        sessionStorage.setItem('hx.rum.start', String(start));
        sessionStorage.setItem('hx.rum.views', '0');
      }
      return { sid: sid, start: start };
    } catch (e) {
      return null; // storage refused (privacy mode): no RUM rather than a cookie
    }
  }

  var s = session();
  if (!s) return;
  var page = template(location.hash);
  var metrics = {};
  var dirty = false;

  function countView() {
    var views = Number(sessionStorage.getItem('hx.rum.views')) || 0;
    sessionStorage.setItem('hx.rum.views', String(views + 1));
    dirty = true;
  }
  countView();
  window.addEventListener('hashchange', countView);

  function put(name, value) {
    if (typeof value === 'number' && isFinite(value) && value >= 0) {
      metrics[name] = Math.round(value * 1000) / 1000;
      dirty = true;
    }
  }

  function vital(metric) { put(metric.name, metric.value); }
  webVitals.onTTFB(vital);
  webVitals.onFCP(vital);
  webVitals.onLCP(vital);
  webVitals.onINP(vital);
  webVitals.onCLS(vital);

  function navigationTiming() {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (!nav) return;
    if (nav.loadEventEnd > 0) put('LOAD', nav.loadEventEnd - nav.startTime);
    if (nav.domInteractive > 0) put('TTI', nav.domInteractive - nav.startTime);
    put('DNS', nav.domainLookupEnd - nav.domainLookupStart);
    put('CONNECT', nav.connectEnd - nav.connectStart);
  }
  if (document.readyState === 'complete') setTimeout(navigationTiming, 0);
  else window.addEventListener('load', function () { setTimeout(navigationTiming, 0); });

  function send() {
    if (!dirty) return;
    navigationTiming();
    var body = JSON.stringify({
      v: 1, sid: s.sid, t: page,
      views: Math.max(1, Number(sessionStorage.getItem('hx.rum.views')) || 1),
      duration: Math.max(0, Date.now() - s.start),
      m: metrics
    });
    if (body.length <= 4096 && navigator.sendBeacon(new URL('rum', document.baseURI).toString(), body)) dirty = false;
  }
  // Hidden is the last moment a page is reliably alive (mobile browsers may never unload it).
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') send(); });
  window.addEventListener('pagehide', send);
  window.hexRum = { send: send, metrics: metrics, template: page };
}());
