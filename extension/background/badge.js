// The toolbar badge: the number of trackers on the tab's page, updated at most
// every 150 ms per tab.
const due = new Map();

export function update(tab, count) {
  if (due.has(tab)) return;
  due.set(tab, setTimeout(() => {
    due.delete(tab);
    const n = count();
    chrome.action.setBadgeText({ tabId: tab, text: n ? String(n) : '' }).catch(() => {});
    chrome.action.setBadgeBackgroundColor({ tabId: tab, color: '#b3261e' }).catch(() => {});
  }, 150));
}
