using Microsoft.Playwright;

namespace Unroll.Browser.Tests;

/// <summary>Every page at 800×900 (a small laptop window, a tablet): nothing in the main content runs past the window
/// or its panel, and no label runs into its input box. A scroller (the unrolled drawing) may hold wider content.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NarrowLayoutTests(BrowserFixture fixture)
{
    // What each page shows once it has drawn from the API (before that, its tables are empty and prove nothing).
    [Theory]
    [InlineData("/", "index", "() => document.querySelectorAll('main a').length > 0")]
    [InlineData("/example", "example", "() => document.getElementById('ssr').dataset.value !== '' && document.querySelectorAll('#scenarios tbody tr').length === 4")]
    [InlineData("/gradients", "gradients", "() => Number(document.body.dataset.drawn || 0) >= 1")]
    [InlineData("/gates", "gates", "() => Number(document.body.dataset.drawn || 0) >= 1 && document.querySelectorAll('rect.cell').length > 0")]
    [InlineData("/forecast", "forecast", "() => document.querySelectorAll('#data-info table tbody tr').length > 0")]
    public async Task Page_At800PixelsWide_FitsItsWindow_AndItsPanels(string path, string name, string ready)
    {
        var page = await fixture.NewPageAsync(width: 800);
        await page.GotoAsync(path);
        await page.WaitForFunctionAsync(ready);
        await BrowserFixture.ScreenshotAsync(page, name + "-800");
        var problems = await page.EvaluateAsync<string[]>(Overflows);
        Assert.True(problems.Length == 0, $"{path} at 800 px: {string.Join("; ", problems)}");
        Assert.Empty(fixture.Errors);
    }

    private const string Overflows = """
        () => {
          const problems = [], root = document.documentElement, main = document.querySelector('main');
          const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
          if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth} px)`);
          const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
          const inScroller = el => { for (let p = el.parentElement; p && p !== main; p = p.parentElement) if (scrolls(p)) return true; return false; };
          // Each element within its panel (or main), inside the padding: the content edge, not the border.
          const contentRight = el => { const r = el.getBoundingClientRect(); return r.right - parseFloat(getComputedStyle(el).paddingRight); };
          const over = new Set();   // the outermost element that overflows is named, not its every cell
          for (const el of main.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || inScroller(el) || el.matches('.panel, .series')) continue;
            const holder = el.parentElement.closest('.panel, .series') || main, right = contentRight(holder);
            if (r.right <= right + 1) continue;
            if (!over.has(el.parentElement)) problems.push(`${describe(el)} ends at ${Math.round(r.right)} px, past ${describe(holder)}'s ${Math.round(right)}`);
            over.add(el);
          }
          for (const table of main.querySelectorAll('table')) {
            const panel = table.closest('.panel, .series');
            if (!panel) continue;
            const t = table.getBoundingClientRect(), p = panel.getBoundingClientRect();
            if (t.width > 0 && t.right > p.right + 1) problems.push(`table ${describe(table)} ends at ${Math.round(t.right)} px, past its panel's ${Math.round(p.right)}`);
          }
          // A label's words never under an input box (its own or a neighbour's).
          const boxes = [...main.querySelectorAll('input, select, button')].map(b => [b, b.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
          for (const label of main.querySelectorAll('label')) {
            for (const node of label.childNodes) {
              if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              for (const t of range.getClientRects())
                for (const [box, b] of boxes)
                  if (t.width > 0 && t.right > b.left + 1 && t.left < b.right - 1 && t.bottom > b.top + 1 && t.top < b.bottom - 1)
                    problems.push(`the label '${node.textContent.trim()}' overlaps ${describe(box)}`);
            }
          }
          return problems;
        }
        """;
}
