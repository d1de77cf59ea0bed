/*
 * The live dashboard: one JSON point per server-sent event from /dashboard/live, appended to the
 * series of each uPlot chart (the last 300 points: 10 minutes at one point every 2 s). Counters
 * (cache lookups) come cumulative; their hit ratio is taken between consecutive points.
 * On the gateway's admin port of a cluster with an autoscaler, points carry "cluster" instead: the
 * autoscaler's last control steps (drawn whole each time: the history is the server's, not the page's),
 * its newest decisions with their reasons and the vertical advice; the worker panels are hidden there.
 * A worker of a cluster sends both: its own metrics and the cluster it read from the gateway.
 */
(function () {
  'use strict';
  var MAX = 300;
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#e377c2'];
  var charts = {};
  var points = 0;
  var lastCache = null;
  var $ = function (id) { return document.getElementById(id); };

  function chart(id, names, scales) {
    var el = $(id);
    var series = [{}].concat(names.map(function (n, i) {
      return { label: n, stroke: COLORS[i % COLORS.length], width: 2, scale: (scales && scales[i]) || 'y', spanGaps: true };
    }));
    var axes = [{}, { scale: 'y' }];
    if (scales && scales.indexOf('r') >= 0) axes.push({ scale: 'r', side: 1, grid: { show: false } });
    var u = new uPlot({ width: Math.max(300, el.clientWidth || 440), height: 200, series: series, axes: axes,
      scales: { x: { time: true } } }, [[]].concat(names.map(function () { return []; })), el);
    charts[id] = { u: u, data: [[]].concat(names.map(function () { return []; })), names: names };
    return charts[id];
  }

  function push(c, x, values) {
    c.data[0].push(x);
    for (var i = 0; i < c.names.length; i++) c.data[i + 1].push(values[i] == null ? null : values[i]);
    if (c.data[0].length > MAX) c.data.forEach(function (s) { s.shift(); });
    c.u.setData(c.data);
  }

  function fmt(v, unit, digits) {
    if (v == null) return '—';
    return Number(v).toFixed(digits == null ? 1 : digits) + (unit || '');
  }

  function ms(seconds) { return seconds == null ? null : seconds * 1000; }

  function cacheRatios(cache) {
    var ratios = {};
    Object.keys(cache).forEach(function (tier) {
      var now = cache[tier];
      var before = lastCache && lastCache[tier];
      var hits = now.hit - (before ? before.hit : 0);
      var misses = now.miss - (before ? before.miss : 0);
      ratios[tier] = hits + misses > 0 ? 100 * hits / (hits + misses) : null;
    });
    lastCache = cache;
    return ratios;
  }

  function rows(tbody, list) {
    tbody.textContent = '';
    list.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (c) {
        var td = document.createElement('td');
        if (c && typeof c === 'object') { td.textContent = c.text; td.className = c.className || ''; }
        else td.textContent = c == null ? '—' : c;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }

  function renderCluster(c) {
    $('cluster').hidden = false;
    $('cluster-error').hidden = !c.error;
    $('cluster-error').textContent = c.error ? 'Cluster: ' + c.error + ' (last known counts shown)' : '';
    if (c.policy == null) return; // a worker that has not read its gateway yet
    if (!charts['c-workers']) chart('c-workers', ['desired', 'current', 'ready']);
    var w = charts['c-workers'];
    var h = c.history || { at: [], current: [], desired: [], ready: [] };
    w.data = [h.at.map(function (t) { return t / 1000; }), h.desired.slice(), h.current.slice(), h.ready.slice()];
    w.u.setData(w.data);
    $('t-workers').textContent = (c.ready == null ? '—' : c.ready) + ' / ' + (c.current == null ? '—' : c.current);
    $('t-desired').textContent = c.desired == null ? '—' : String(c.desired) + (c.held ? ' (held: resize rolling)' : '');
    $('t-policy').textContent = c.policy + ', ' + c.minWorkers + '..' + c.maxWorkers;
    var v = c.vertical || {};
    var size = function (s) { return s ? 'pool ' + s.poolSize + ', ' + s.eventLoops + ' loops, ' + s.heapMb + ' MB' : '—'; };
    $('t-vertical').textContent = !c.vertical ? '—' : v.changed ? size(v.recommended) : 'keep';
    $('vertical').textContent = c.vertical ? 'Vertical: now ' + size(v.current) + '; recommended ' + size(v.recommended)
      + ' (' + (v.reason || '') + ')' : '';
    rows($('decisions').tBodies[0], (c.decisions || []).map(function (d) {
      return [new Date(d.at).toLocaleTimeString(), d.current + ' \u2192 ' + d.desired + (d.refused ? ' (refused)' : ''), d.rule, d.reason];
    }));
  }

  function render(p) {
    var x = p.at / 1000;
    var all = p.all || {};
    points++;
    if (p.cluster) renderCluster(p.cluster);
    if (!p.all) {
      // the gateway's point: no per-worker metrics to chart
      Array.prototype.forEach.call(document.querySelectorAll('.worker-only'), function (el) { el.hidden = true; });
      $('state').textContent = 'live: ' + points + ' points' + (p.cluster ? ' (cluster autoscaler)' : '');
      return;
    }
    if (!charts['c-cache']) {
      chart('c-rate', ['requests/s']);
      chart('c-latency', ['p50', 'p95', 'p99']);
      chart('c-quality', ['error %', 'Apdex'], ['y', 'r']);
      chart('c-cache', Object.keys(p.cache || {}));
      chart('c-db', ['used', 'waiters', 'max']);
      chart('c-cost', ['USD / 1,000 requests']);
    }
    push(charts['c-rate'], x, [all.rate]);
    push(charts['c-latency'], x, [ms(all.p50), ms(all.p95), ms(all.p99)]);
    push(charts['c-quality'], x, [all.errorRatio == null ? null : 100 * all.errorRatio, all.apdex]);
    var ratios = cacheRatios(p.cache || {});
    push(charts['c-cache'], x, charts['c-cache'].names.map(function (t) { return ratios[t]; }));
    push(charts['c-db'], x, [p.db.used, p.db.waiters, p.db.max]);
    push(charts['c-cost'], x, [p.costPerThousand]);

    $('t-rate').textContent = fmt(all.rate, ' req/s');
    $('t-p99').textContent = fmt(ms(all.p99), ' ms');
    $('t-errors').textContent = all.errorRatio == null ? '—' : fmt(100 * all.errorRatio, ' %', 2);
    $('t-apdex').textContent = fmt(all.apdex, '', 2);
    $('t-cost').textContent = p.costPerThousand == null ? '—' : '$' + Number(p.costPerThousand).toPrecision(3);
    if (p.cost) {
      var usd = p.cost.usd || {};
      var money = function (v) { return v == null ? '—' : '$' + Number(v).toPrecision(3); };
      var mb = function (v) { return v == null ? '—' : (v / 1048576).toFixed(1) + ' MB'; };
      $('cost-detail').textContent = 'Since start: CPU ' + money(usd.cpu) + ', memory ' + money(usd.memory)
        + ', maintenance ' + money(usd.maintenance) + ' (' + p.cost.maintenanceActions + ' actions, '
        + fmt(p.cost.maintenanceSeconds, ' s', 1) + ', backend CPU ' + fmt(p.cost.maintenanceCpuSeconds, ' s', 2)
        + ', I/O ' + mb(p.cost.maintenanceReadBytes) + ' read / ' + mb(p.cost.maintenanceWrittenBytes) + ' written)';
    }
    $('t-pool').textContent = p.db.used == null ? '—' : p.db.used + ' / ' + p.db.max + (p.db.waiters ? ', ' + p.db.waiters + ' waiting' : '');
    $('t-lag').textContent = p.db.replicaLagSeconds == null ? 'no replicas' : fmt(p.db.replicaLagSeconds, ' s', 2);

    rows($('routes').tBodies[0], (p.routes || []).map(function (r) {
      return [r.route, fmt(r.rate, '', 2), fmt(ms(r.p50), ' ms'), fmt(ms(r.p99), ' ms'),
        r.errorRatio == null ? null : fmt(100 * r.errorRatio, ' %', 2), fmt(r.apdex, '', 2)];
    }));
    if (p.rum) {
      rows($('rum').tBodies[0], ['home', 'search', 'detail'].map(function (t) {
        var v = p.rum[t] || {};
        var s = function (k) { return v[k] == null ? null : fmt(1000 * v[k], ' ms', 0); };
        return [t, s('TTFB'), s('FCP'), s('LCP'), s('INP'), v.CLS == null ? null : fmt(v.CLS, '', 3), s('LOAD'),
          v.apdex == null ? null : fmt(v.apdex, '', 2)];
      }));
      $('sessions').textContent = p.rum.sessions + ' sessions; bounce rate '
        + (p.rum.bounceRatio == null ? '—' : fmt(100 * p.rum.bounceRatio, ' %')) + '; mean session '
        + (p.rum.sessionSeconds == null ? '—' : fmt(p.rum.sessionSeconds, ' s'));
    }
    rows($('alerts').tBodies[0], (p.alerts || []).map(function (a) {
      return [a.name, { text: a.state, className: a.state }, a.since ? new Date(a.since).toLocaleTimeString() : null,
        a.value == null ? null : fmt(a.value, '', 3)];
    }));
    $('state').textContent = 'live: ' + points + ' points, window ' + fmt(p.windowSeconds, ' s', 0);
  }

  function connect() {
    var source = new EventSource('/dashboard/live');
    source.onmessage = function (e) {
      try { render(JSON.parse(e.data)); } catch (err) { $('state').textContent = 'bad point: ' + err; }
    };
    source.onerror = function () { $('state').textContent = 'reconnecting…'; };
  }
  window.hexDashboard = { points: function () { return points; }, charts: charts };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', connect); else connect();
}());
