// Centre finder enhancements. The list, search and the coordinates form all work without
// JavaScript; this adds "Use my location" (computed here, in the browser: the position is
// never sent to the server) and, when a tile server is configured, a Leaflet map.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  // Ray casting on a GeoJSON ring of [lng, lat] points.
  function inRing(lng, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function inGeometry(lat, lng, geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    return polygons.some(function (rings) {
      return rings.length && inRing(lng, lat, rings[0]) &&
        !rings.slice(1).some(function (hole) { return inRing(lng, lat, hole); });
    });
  }

  function districtAt(lat, lng, geojson) {
    var found = null;
    geojson.features.forEach(function (feature) {
      if (!found && inGeometry(lat, lng, feature.geometry)) { found = feature; }
    });
    return found;
  }

  function km(lat1, lng1, lat2, lng2) {
    var rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLng = (lng2 - lng1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
  }

  // Distance to the centre itself when its location is verified, else to the middle of its district.
  function rank(centres, geojson, lat, lng) {
    var middles = {};
    geojson.features.forEach(function (f) { middles[f.properties.id] = f.properties.centroid; });
    return centres.map(function (centre) {
      var exact = centre.location, point = exact ? [exact.latitude, exact.longitude]
        : (centre.district && middles[centre.district.id]);
      return { centre: centre, km: point ? km(lat, lng, point[0], point[1]) : Infinity, approximate: !exact };
    }).sort(function (a, b) { return a.km - b.km; });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function renderList(items, box, lang, lang_other) {
    var list = el("ol", null, "centre-list near-list");
    items.forEach(function (item) {
      var c = item.centre, li = el("li", null, "centre-item"), h = el("h4", null, "centre-name");
      var name = c.name[lang] || c.name[lang_other];
      var a = el("a", name);
      a.href = c.links[lang];
      if (!c.name[lang]) { a.lang = lang === "en" ? "zh-Hant-HK" : "en-HK"; }  // the fallback: English on both Chinese editions
      h.appendChild(a);
      li.appendChild(h);
      var address = c.address[lang] || c.address[lang_other];
      if (address) { li.appendChild(el("p", address)); }
      if (c.phones.length) {
        var phones = el("p");
        c.phones.forEach(function (number, index) {
          var tel = el("a", number);
          tel.href = "tel:+852" + number.replace(/ /g, "");
          if (index) { phones.appendChild(document.createTextNode(", ")); }
          phones.appendChild(tel);
        });
        li.appendChild(phones);
      }
      if (isFinite(item.km)) {
        var template = box.getAttribute(item.approximate ? "data-msg-approx" : "data-msg-km");
        li.appendChild(el("p", template.replace("__KM__", item.km.toFixed(1)), "meta"));
      }
      list.appendChild(li);
    });
    return list;
  }

  function initNear(box) {
    if (!("geolocation" in navigator) || !window.fetch) { return; }
    box.hidden = false;
    var button = box.querySelector("[data-near-button]");
    var result = box.querySelector("[data-near-result]");
    var status = box.querySelector("[data-near-status]");
    var lang = box.getAttribute("data-lang"), other = lang === "en" ? "zh-hk" : "en";

    // Screen readers hear only the status line: a short summary, never the whole list.
    function announce(text) { status.textContent = text; }
    function say(text) { result.textContent = ""; announce(text); }
    function summary(count) {
      var template = box.getAttribute(count === 1 ? "data-msg-summary-one" : "data-msg-summary-many");
      return template.replace("__N__", String(count));
    }

    button.addEventListener("click", function () {
      say(box.getAttribute("data-msg-locating"));
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude, lng = position.coords.longitude;
        Promise.all([getJSON(box.getAttribute("data-geojson")), getJSON(box.getAttribute("data-centres"))])
          .then(function (data) {
            var geojson = data[0], centres = data[1].centres;
            var district = districtAt(lat, lng, geojson), ranked = rank(centres, geojson, lat, lng);
            result.textContent = "";
            if (district) {
              var props = district.properties;
              var name = lang === "zh-hk" ? props.name_zh
                : lang === "zh-cn" ? props.name_zh_cn || props.name_zh : props.name_en;
              var heading = el("p", box.getAttribute("data-msg-district").replace("__DISTRICT__", name), "callout");
              heading.tabIndex = -1;
              result.appendChild(heading);
              var mine = ranked.filter(function (r) { return r.centre.district && r.centre.district.id === district.properties.id; });
              result.appendChild(el("h3", box.getAttribute("data-msg-serving")));
              if (mine.length) { result.appendChild(renderList(mine, box, lang, other)); }
              else { result.appendChild(el("p", box.getAttribute("data-msg-none"))); }
            } else {
              result.appendChild(el("p", box.getAttribute("data-msg-outside"), "notice"));
            }
            result.appendChild(el("h3", box.getAttribute("data-msg-all")));
            result.appendChild(renderList(ranked, box, lang, other));
            announce(summary(ranked.length));
            document.dispatchEvent(new CustomEvent("centres:located", { detail: { lat: lat, lng: lng } }));
          })
          .catch(function () { say(box.getAttribute("data-msg-denied")); })
          .then(function () { button.disabled = false; });
      }, function () {
        say(box.getAttribute("data-msg-denied"));
        button.disabled = false;
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
    });
  }

  function initMap(box) {
    if (!window.L) { return; }
    box.hidden = false;
    var L = window.L, lang = box.getAttribute("data-lang");
    var map = L.map(box, { scrollWheelZoom: false }).setView([22.35, 114.12], 10);
    L.tileLayer(box.getAttribute("data-tiles"), {
      maxZoom: 18,
      attribution: (box.getAttribute("data-attribution") || "").replace(/[<>&]/g, "")
    }).addTo(map);
    var here = null;
    var chosen = box.getAttribute("data-district");
    getJSON(box.getAttribute("data-geojson")).then(function (geojson) {
      L.geoJSON(geojson, { style: { color: "#0b5563", weight: 1, fillOpacity: 0.04 } }).addTo(map);
      // The district chosen in the form: show it, as the list below shows its centres.
      var feature = chosen && geojson.features.filter(function (f) { return f.properties.id === chosen; })[0];
      if (feature && !here) { map.fitBounds(L.geoJSON(feature).getBounds()); }
    }).catch(function () {});
    getJSON(box.getAttribute("data-centres")).then(function (data) {
      data.centres.forEach(function (c) {
        if (!c.location) { return; }
        var link = el("a", c.name[lang] || c.name.en || c.name["zh-hk"]);
        link.href = c.links[lang];
        L.marker([c.location.latitude, c.location.longitude], { title: link.textContent }).bindPopup(link).addTo(map);
      });
    }).catch(function () {});
    document.addEventListener("centres:located", function (event) {
      var point = [event.detail.lat, event.detail.lng];
      if (here) { here.setLatLng(point); } else { here = L.circleMarker(point, { radius: 8, color: "#a84c0c" }).addTo(map); }
      map.setView(point, 13);
    });
  }

  window.Portal.register("centres-near", initNear);
  window.Portal.register("centres-map", initMap);
  window.Portal.start();
})();
