// Preselects the browser's time zone in the subscribe form. Without JavaScript the form still
// works and the zone stays UTC.
(function () {
  var select = document.getElementById('timezone');
  if (!select || select.dataset.chosen === 'yes') return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) {
        select.selectedIndex = i;
        break;
      }
    }
  } catch (e) {
    // An old browser: UTC it is.
  }
})();
