/*
 * HexProperty web page: search, results, listing detail and the contact form.
 *
 * Plain JS, no framework and no build step, so the page costs one small HTML, CSS and JS file.
 * All state lives in the URL hash (#/search?city=Houston&state=TX, #/listing/KEY), so back and
 * forward work and every view can be linked. The API rejects unknown and empty parameters, so
 * only the whitelisted, non-empty search fields are ever sent; `page` is kept in the hash for
 * display only. Every text from the API goes through textContent, never innerHTML.
 * Sale and rent are separate searches (market=rent; sale is the API's default, so it is never
 * sent), rents read per month, and the detail view shows what a buyer or renter needs, not the
 * record's internals (keys, H3 cells, versions).
 */
(function () {
  'use strict';

  var API_PARAMS = ['city', 'state', 'postalCode', 'market', 'minPrice', 'maxPrice', 'minBeds', 'sort', 'cursor'];
  var SORTS = { newest: 'Newest', price_asc: 'Price: low to high', price_desc: 'Price: high to low' };
  // RESO property types offered for rent: their ListPrice is a monthly rent.
  var LEASE_TYPES = ['ResidentialLease', 'CommercialLease'];

  var money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  var count = new Intl.NumberFormat('en-US');

  var $ = function (id) { return document.getElementById(id); };
  var ui = {};
  // Each route render gets a token; a response that arrives after the user moved on is dropped.
  var renderToken = 0;
  var firstRender = true;
  var lastSearchHash = '';
  var currentListing = null;
  // Scroll position per hash, saved when a view is left, so back returns to the same place.
  var scrollByHash = {};
  var currentHash = '';
  var pendingScroll = 0;

  // ---- small DOM and formatting pieces -------------------------------------------------------

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] == null) return;
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'className') node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function present(v) { return v !== null && v !== undefined && v !== ''; }
  function formatMoney(v) { return present(v) && isFinite(Number(v)) ? money.format(Number(v)) : '—'; }
  function formatCount(v) { return present(v) && isFinite(Number(v)) ? count.format(Number(v)) : '—'; }
  function isLease(l) { return LEASE_TYPES.indexOf(l.PropertyType) >= 0; }
  // "$1,250/mo" for a rental, "$250,000" for a sale.
  function formatPrice(l) {
    var price = formatMoney(l.ListPrice);
    return isLease(l) && price !== '—' ? price + '/mo' : price;
  }
  function isRent(params) { return params.get('market') === 'rent'; }
  function plural(n, one, many) { return formatCount(n) + ' ' + (Number(n) === 1 ? one : many); }

  // "ActiveUnderContract" -> "Active under contract"
  function words(v) {
    if (!present(v)) return '—';
    var s = String(v).replace(/([a-z])([A-Z])/g, '$1 $2');
    return s.charAt(0) + s.slice(1).toLowerCase();
  }

  function formatDate(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v || '');
    if (!m) return present(v) ? String(v) : '—';
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
  }

  function formatTimestamp(v) {
    var d = new Date(v);
    if (!present(v) || isNaN(d.getTime())) return present(v) ? String(v) : '—';
    return d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
  }

  function cityLine(l) {
    var cityState = [l.City, l.StateOrProvince].filter(present).join(', ');
    return [cityState, l.PostalCode].filter(present).join(' ');
  }

  function roomsLine(l) {
    return plural(l.BedroomsTotal, 'bed', 'beds') + ' · ' + plural(l.BathroomsTotalInteger, 'bath', 'baths') +
      ' · ' + formatCount(l.LivingArea) + ' sqft';
  }

  // A stable hue per listing, so the photo placeholders differ without loading any image.
  function hue(key) {
    var h = 2166136261;
    for (var i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    return (h >>> 0) % 360;
  }

  // ---- API ------------------------------------------------------------------------------------

  function apiUrl(path) { return new URL('api/v1/' + path, document.baseURI).toString(); }

  function Problem(p) {
    this.title = p.title || 'Something went wrong';
    this.detail = p.detail || '';
    this.status = p.status || 0;
    this.parameter = p.parameter || '';
  }

  function request(path, options) {
    var opts = options || {};
    opts.headers = Object.assign({ Accept: 'application/json, application/problem+json' }, opts.headers || {});
    return fetch(apiUrl(path), opts).then(function (res) {
      var type = res.headers.get('Content-Type') || '';
      var isJson = type.indexOf('json') >= 0;
      var body = isJson ? res.json().catch(function () { return null; }) : Promise.resolve(null);
      return body.then(function (json) {
        if (res.ok) return json;
        if (json && (json.title || json.detail)) throw new Problem(json);
        throw new Problem({ title: 'Request failed (HTTP ' + res.status + ')', status: res.status,
          detail: res.statusText || 'The server returned an unexpected response.' });
      });
    }, function () {
      throw new Problem({ title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' });
    });
  }

  // ---- status and errors ---------------------------------------------------------------------

  function setStatus(text) { ui.status.textContent = text || ''; }

  function clearProblem() {
    ui.error.hidden = true;
    ui.error.textContent = '';
    Array.prototype.forEach.call(ui.form.querySelectorAll('[aria-invalid]'), function (f) {
      f.removeAttribute('aria-invalid');
    });
  }

  function fieldFor(parameter) {
    if (parameter === 'city' || parameter === 'state' || parameter === 'postalCode') return ui.place;
    return ui.form.elements[parameter] || null;
  }

  function problemNode(p) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el('strong', { className: 'problem-title', 'data-testid': 'error-title', text: p.title }));
    if (p.detail) frag.appendChild(el('span', { className: 'problem-detail', 'data-testid': 'error-detail', text: p.detail }));
    return frag;
  }

  function showProblem(p) {
    setStatus('');
    ui.error.textContent = '';
    ui.error.appendChild(problemNode(p));
    ui.error.hidden = false;
    var field = fieldFor(p.parameter);
    if (field) field.setAttribute('aria-invalid', 'true');
  }

  // ---- views -----------------------------------------------------------------------------------

  function show(view) {
    ui.homeView.hidden = view !== 'home';
    ui.searchView.hidden = view !== 'search';
    ui.listingView.hidden = view !== 'listing';
  }

  function focusHeading(id) {
    if (firstRender) return;
    var h = $(id);
    if (h) h.focus({ preventScroll: true });
  }

  function restoreScroll() {
    window.scrollTo(0, pendingScroll);
  }

  // "City, ST" -> city and state; five digits -> postalCode; "City ST" also works.
  function parsePlace(text) {
    var t = (text || '').trim().replace(/\s+/g, ' ');
    if (!t) return {};
    var zip = /^(\d{5})(-\d{4})?$/.exec(t);
    if (zip) return { postalCode: zip[1] };
    var m = /^(.+?)\s*,\s*([^,]+)$/.exec(t);
    if (m) {
      var st = m[2].trim();
      return { city: m[1].trim(), state: /^[A-Za-z]{2}$/.test(st) ? st.toUpperCase() : st };
    }
    m = /^(.+) ([A-Za-z]{2})$/.exec(t);
    if (m) return { city: m[1], state: m[2].toUpperCase() };
    return { city: t };
  }

  function placeText(params) {
    if (params.get('postalCode')) return params.get('postalCode');
    return [params.get('city'), params.get('state')].filter(present).join(', ');
  }

  function fillForm(params) {
    ui.place.value = placeText(params);
    ui.form.elements.market.value = isRent(params) ? 'rent' : 'sale';
    ui.form.elements.minPrice.value = params.get('minPrice') || '';
    ui.form.elements.maxPrice.value = params.get('maxPrice') || '';
    ui.form.elements.minBeds.value = params.get('minBeds') || '';
    ui.form.elements.sort.value = SORTS[params.get('sort')] ? params.get('sort') : 'newest';
  }

  function searchHash(params) {
    var s = params.toString();
    return '#/search' + (s ? '?' + s : '');
  }

  function onSearchSubmit(event) {
    event.preventDefault();
    var params = new URLSearchParams();
    var place = parsePlace(ui.place.value);
    ['city', 'state', 'postalCode'].forEach(function (k) { if (place[k]) params.set(k, place[k]); });
    if (ui.form.elements.market.value === 'rent') params.set('market', 'rent');
    ['minPrice', 'maxPrice', 'minBeds', 'sort'].forEach(function (k) {
      var v = String(ui.form.elements[k].value || '').trim();
      if (v) params.set(k, v);
    });
    var hash = searchHash(params);
    scrollByHash[hash] = 0;
    if (location.hash === hash) route(); else location.hash = hash;
  }

  function searchSummary(params) {
    var where = placeText(params);
    var what = isRent(params) ? 'Homes for rent' : 'Homes for sale';
    var parts = [where ? what + ' in ' + where : what];
    var min = params.get('minPrice'), max = params.get('maxPrice');
    if (min && max) parts.push(formatMoney(min) + '–' + formatMoney(max));
    else if (min) parts.push('from ' + formatMoney(min));
    else if (max) parts.push('up to ' + formatMoney(max));
    if (params.get('minBeds')) parts.push(params.get('minBeds') + '+ beds');
    return parts.join(' · ');
  }

  function resultItem(l) {
    var key = String(l.ListingKey);
    var photo = el('div', { className: 'photo', 'aria-hidden': 'true' },
      el('span', { className: 'photo-count', text: plural(l.PhotosCount || 0, 'photo', 'photos') }));
    photo.style.setProperty('--hue', String(hue(key)));
    var link = el('a', { className: 'card-link', href: '#/listing/' + encodeURIComponent(key) },
      photo,
      el('div', { className: 'card-body' },
        el('div', { className: 'card-top' },
          el('span', { className: 'price', 'data-testid': 'result-price', text: formatPrice(l) }),
          present(l.StandardStatus) ? el('span', { className: 'badge status-' + l.StandardStatus, text: words(l.StandardStatus) }) : null),
        el('p', { className: 'rooms', text: roomsLine(l) }),
        el('p', { className: 'street', text: l.UnparsedAddress || '' }),
        el('p', { className: 'city', 'data-testid': 'result-city', text: cityLine(l) }),
        el('p', { className: 'meta', text: plural(l.PhotosCount || 0, 'photo', 'photos') +
          (present(l.ListingContractDate) ? ' · Listed ' + formatDate(l.ListingContractDate) : '') })));
    return el('li', { className: 'card', 'data-testid': 'result-item', 'data-listing-key': key }, link);
  }

  function renderSearch(params, page) {
    var items = (page && page.items) || [];
    var pageNumber = Math.max(1, parseInt(params.get('page'), 10) || 1);
    ui.results.textContent = '';
    items.forEach(function (l) { ui.results.appendChild(resultItem(l)); });
    ui.empty.hidden = items.length > 0;
    ui.pageNumber.textContent = items.length || pageNumber > 1 ? 'Page ' + pageNumber : '';
    if (page && page.next) {
      var next = new URLSearchParams(params);
      next.set('cursor', page.next);
      next.set('page', String(pageNumber + 1));
      ui.nextPage.href = searchHash(next);
      ui.nextPage.hidden = false;
    } else {
      ui.nextPage.hidden = true;
      ui.nextPage.removeAttribute('href');
    }
    if (pageNumber > 1) {
      var first = new URLSearchParams(params);
      first.delete('cursor');
      first.delete('page');
      ui.firstPage.href = searchHash(first);
      ui.firstPage.hidden = false;
    } else {
      ui.firstPage.hidden = true;
    }
    setStatus('');
    ui.resultCount.textContent = items.length
      ? plural(items.length, 'home', 'homes') + (page && page.next || pageNumber > 1 ? ' on page ' + pageNumber : '')
      : '';
  }

  function showSearch(params, token) {
    lastSearchHash = currentHash;
    fillForm(params);
    show('search');
    var title = searchSummary(params);
    ui.searchTitle.textContent = title;
    document.title = title + ' — HexProperty';
    ui.searchView.setAttribute('aria-busy', 'true');
    ui.resultCount.textContent = '';
    setStatus('Searching…');
    var api = new URLSearchParams();
    API_PARAMS.forEach(function (k) {
      var v = params.get(k);
      if (v != null && v.trim() !== '') api.set(k, v.trim());
    });
    request('listings' + (api.toString() ? '?' + api : '')).then(function (page) {
      if (token !== renderToken) return;
      renderSearch(params, page);
      restoreScroll();
      focusHeading('search-title');
    }, function (problem) {
      if (token !== renderToken) return;
      ui.results.textContent = '';
      ui.empty.hidden = true;
      ui.nextPage.hidden = true;
      ui.firstPage.hidden = true;
      ui.pageNumber.textContent = '';
      showProblem(problem);
    }).then(function () {
      if (token === renderToken) ui.searchView.removeAttribute('aria-busy');
    });
  }

  function fact(label, value, testid) {
    // dt/dd pairs wrapped in a div (valid in a dl) so each pair is one grid cell.
    return el('div', { className: 'fact' }, el('dt', { text: label }),
      el('dd', { 'data-testid': testid || null, text: present(value) ? String(value) : '—' }));
  }

  function renderListing(l) {
    var d = ui.detail;
    d.textContent = '';
    var lease = isLease(l);
    // A price per square foot compares sale prices; for a monthly rent it would read as "$1".
    var perSqft = !lease && Number(l.LivingArea) > 0 && isFinite(Number(l.ListPrice))
      ? formatMoney(Math.round(Number(l.ListPrice) / Number(l.LivingArea))) : null;
    var photo = el('div', { className: 'photo photo-large', 'aria-hidden': 'true' },
      el('span', { className: 'photo-count', text: plural(l.PhotosCount || 0, 'photo', 'photos') }));
    photo.style.setProperty('--hue', String(hue(String(l.ListingKey))));
    d.appendChild(photo);
    d.appendChild(el('header', { className: 'detail-head' },
      el('div', { className: 'detail-price-row' },
        el('h1', { id: 'listing-title', tabindex: '-1', 'data-testid': 'detail-price', text: formatPrice(l) }),
        present(l.StandardStatus)
          ? el('span', { className: 'badge status-' + l.StandardStatus, 'data-testid': 'detail-status', text: words(l.StandardStatus) })
          : null),
      el('p', { className: 'rooms big', text: roomsLine(l) }),
      el('p', { className: 'detail-address', 'data-testid': 'detail-address' },
        el('span', { className: 'street', text: l.UnparsedAddress || '' }),
        el('span', { className: 'city', text: cityLine(l) }))));

    if (present(l.PublicRemarks)) {
      d.appendChild(el('section', { className: 'remarks' },
        el('h2', { text: lease ? 'About this rental' : 'About this home' }),
        el('p', { 'data-testid': 'detail-remarks', text: l.PublicRemarks })));
    }

    var facts = [].concat(
      fact('Status', words(l.StandardStatus), 'detail-standard-status'),
      fact('Property type', words(l.PropertyType)),
      lease ? fact('Monthly rent', formatPrice(l), 'detail-rent') : fact('List price', formatMoney(l.ListPrice)),
      perSqft ? fact('Price per sqft', perSqft, 'detail-per-sqft') : [],
      fact('Bedrooms', formatCount(l.BedroomsTotal)),
      fact('Bathrooms', formatCount(l.BathroomsTotalInteger)),
      fact('Living area', formatCount(l.LivingArea) + ' sqft'),
      fact('Photos', formatCount(l.PhotosCount)),
      fact('MLS number', l.ListingId, 'detail-listing-id'),
      fact('Listed', formatDate(l.ListingContractDate), 'detail-listed'),
      fact('Last updated', formatTimestamp(l.ModificationTimestamp), 'detail-modified'));
    var record = [].concat(
      fact('Address', l.UnparsedAddress),
      fact('City', l.City),
      fact('State', l.StateOrProvince),
      fact('ZIP code', l.PostalCode),
      fact('Coordinates', present(l.Latitude) && present(l.Longitude)
        ? Number(l.Latitude).toFixed(5) + ', ' + Number(l.Longitude).toFixed(5) : null));
    // Only fields meant for people: the API's keys, H3 cells, record version and any field this page
    // does not know stay out of the view (they are in the JSON for programs).
    d.appendChild(el('section', { className: 'facts' },
      el('h2', { text: 'Facts' }),
      el.apply(null, ['dl', { className: 'facts-grid' }].concat(facts))));
    d.appendChild(el('section', { className: 'facts' },
      el('h2', { text: 'Location' }),
      el.apply(null, ['dl', { className: 'facts-grid' }].concat(record))));
  }

  function showListing(key, token) {
    show('listing');
    currentListing = null;
    ui.back.href = lastSearchHash || '#/';
    ui.back.textContent = lastSearchHash ? '← Back to results' : '← New search';
    ui.detail.textContent = '';
    ui.contact.hidden = true;
    ui.inquiryResult.hidden = true;
    ui.listingView.setAttribute('aria-busy', 'true');
    setStatus('Loading listing…');
    request('listings/' + encodeURIComponent(key)).then(function (l) {
      if (token !== renderToken) return;
      currentListing = l;
      renderListing(l);
      ui.contact.hidden = false;
      var place = [l.UnparsedAddress, l.City].filter(present).join(', ');
      if (!ui.message.dataset.edited) {
        ui.message.value = 'I am interested in ' + (place || 'this home') + '. Please contact me.';
      }
      document.title = [formatPrice(l), l.UnparsedAddress, cityLine(l)].filter(present).join(' · ') + ' — HexProperty';
      setStatus('');
      restoreScroll();
      focusHeading('listing-title');
    }, function (problem) {
      if (token !== renderToken) return;
      document.title = 'Listing unavailable — HexProperty';
      showProblem(problem);
    }).then(function () {
      if (token === renderToken) ui.listingView.removeAttribute('aria-busy');
    });
  }

  function onInquirySubmit(event) {
    event.preventDefault();
    if (!currentListing) return;
    var f = ui.inquiryForm.elements;
    var body = {
      ListingKey: currentListing.ListingKey,
      name: f.namedItem('name').value.trim(),
      email: f.namedItem('email').value.trim(),
      message: f.namedItem('message').value.trim()
    };
    // The honeypot: hidden from people, so only a form-filling bot sends it (the server refuses it).
    var trap = f.namedItem('website');
    if (trap && trap.value) body.website = trap.value;
    var button = ui.inquiryForm.querySelector('button[type=submit]');
    button.disabled = true;
    ui.inquiryResult.hidden = true;
    Array.prototype.forEach.call(ui.inquiryForm.querySelectorAll('[aria-invalid]'), function (field) {
      field.removeAttribute('aria-invalid');
    });
    ui.inquiryResult.className = 'inquiry-result';
    request('inquiries', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function () {
      ui.inquiryResult.textContent = 'Message sent. The agent will reply to ' + body.email + '.';
      ui.inquiryResult.className = 'inquiry-result ok';
      ui.message.value = '';
      delete ui.message.dataset.edited;
    }, function (problem) {
      ui.inquiryResult.textContent = '';
      ui.inquiryResult.appendChild(problemNode(problem));
      ui.inquiryResult.className = 'inquiry-result problem';
      var field = problem.parameter ? f.namedItem(problem.parameter) : null;
      if (field) field.setAttribute('aria-invalid', 'true');
    }).then(function () {
      ui.inquiryResult.hidden = false;
      button.disabled = false;
    });
  }

  // ---- routing ---------------------------------------------------------------------------------

  function route() {
    var token = ++renderToken;
    // A hash change does not scroll, so scrollY still belongs to the view being left.
    if (!firstRender) scrollByHash[currentHash] = window.scrollY;
    currentHash = location.hash;
    pendingScroll = scrollByHash[currentHash] || 0;
    clearProblem();
    var h = location.hash.replace(/^#/, '');
    if (h.indexOf('/listing/') === 0) {
      var key = '';
      try { key = decodeURIComponent(h.slice('/listing/'.length)); } catch (e) { key = ''; }
      showListing(key, token);
    } else if (h === '/search' || h.indexOf('/search?') === 0) {
      showSearch(new URLSearchParams(h.slice('/search'.length + 1)), token);
    } else {
      show('home');
      setStatus('');
      document.title = 'HexProperty — homes for sale and rent';
      restoreScroll();
      focusHeading('home-title');
    }
    firstRender = false;
  }

  function init() {
    ui = {
      form: $('search-form'), place: $('place'), status: $('status'), error: $('error'),
      homeView: $('home-view'), searchView: $('search-view'), listingView: $('listing-view'),
      searchTitle: $('search-title'), resultCount: $('result-count'), results: $('results'), empty: $('empty'),
      nextPage: $('next-page'), firstPage: $('first-page'), pageNumber: $('page-number'),
      detail: $('listing-detail'), back: $('back-link'), contact: document.querySelector('.contact'),
      inquiryForm: $('inquiry-form'), inquiryResult: $('inquiry-result'), message: $('inq-message')
    };
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
    ui.form.addEventListener('submit', onSearchSubmit);
    ui.inquiryForm.addEventListener('submit', onInquirySubmit);
    ui.message.addEventListener('input', function () { ui.message.dataset.edited = '1'; });
    window.addEventListener('hashchange', route);
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}());
