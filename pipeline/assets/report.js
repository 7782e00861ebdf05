
(function(){
  var data = {};
  try { data = JSON.parse(document.getElementById('quote-data').textContent); } catch (e) {}
  var panel = document.getElementById('evidence');
  function el(tag, cls, text){ var n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; }
  function show(cell){
    if (!panel) return;
    document.querySelectorAll('td.cell.sel').forEach(function(c){ c.classList.remove('sel'); });
    cell.classList.add('sel');
    panel.innerHTML = '';
    var target = cell.getAttribute('data-target');
    panel.appendChild(el('h3', null, cell.getAttribute('data-actor') + ' (' + cell.getAttribute('data-kind') + ') on ' + target + ': ' + cell.getAttribute('data-stance')));
    var list = el('ol');
    (cell.getAttribute('data-evidence') || '').split(' ').forEach(function(key){
      var q = data[key]; if (!q) return;
      var li = el('li');
      var own = q.stances.filter(function(s){ return s[0] === target; }).map(function(s){ return s[1] + (s.length > 2 ? ' (' + s[2] + ')' : ''); }).join(', ');
      li.appendChild(el('span', 'badge b-' + (own.split(' ')[0] || 'neutral'), own || '?'));
      li.appendChild(document.createTextNode(' \u201c' + q.text + '\u201d \u2014 ' + q.who + ' '));
      var a = el('a', null, key + ' in the article'); a.href = '#' + q.a;
      li.appendChild(a);
      list.appendChild(li);
    });
    panel.appendChild(list);
    var more = cell.getAttribute('data-more');
    if (more) panel.appendChild(el('p', 'note', 'and ' + more + ' more: see quotes.jsonl / networks/statements.csv'));
  }
  document.querySelectorAll('td.cell').forEach(function(cell){
    cell.addEventListener('click', function(){ show(cell); });
    cell.addEventListener('keydown', function(ev){ if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); show(cell); } });
  });
  function highlight(){
    document.querySelectorAll('mark.hl').forEach(function(m){ m.classList.remove('hl'); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    document.querySelectorAll('mark[data-q]').forEach(function(m){
      if ((' ' + m.getAttribute('data-q') + ' ').indexOf(' ' + id + ' ') >= 0) m.classList.add('hl');
    });
  }
  window.addEventListener('hashchange', highlight);
  highlight();
})();
