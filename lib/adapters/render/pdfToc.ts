/**
 * The table of contents. Its entries are known before the body is written (they come from the
 * model), so its room is reserved first: below the cover when it fits there, else pages of its own.
 * The body records the page of each entry as it places the entry's heading, and the reserved room
 * is filled at the end (pages are buffered).
 */
import type { ReportModel } from '../../core/report/reportModel.js';
import { bottomEdge, clampedText, contentWidth, currentPageIndex, ensureSpace, heading, leftEdge, lineHeight } from './pdfLayout.js';
import { applyStyle, TEXT, type TextStyle } from './pdfStyle.js';

type Doc = PDFKit.PDFDocument;

export interface TocEntry {
  /** The named destination of the entry's heading, for links. */
  readonly destination: string;
  readonly title: string;
  readonly level: 0 | 1;
}

export const DESTINATION = {
  summary: 'summary',
  appendix: 'appendix',
  method: 'appendix-method',
  formula: 'appendix-formula',
  catalog: 'appendix-catalog',
  collectionLog: 'appendix-collection-log',
} as const;

export function tocEntries(model: ReportModel): TocEntry[] {
  return [
    { destination: DESTINATION.summary, title: 'Executive summary', level: 0 },
    ...model.clusters.map((c): TocEntry => ({ destination: c.anchor, title: `Cluster ${c.name}`, level: 0 })),
    { destination: DESTINATION.appendix, title: 'Appendix', level: 0 },
    { destination: DESTINATION.method, title: 'Method', level: 1 },
    { destination: DESTINATION.formula, title: 'Scoring formula', level: 1 },
    { destination: DESTINATION.catalog, title: 'Technique catalog', level: 1 },
    { destination: DESTINATION.collectionLog, title: 'Collection log', level: 1 },
  ];
}

const ROW_HEIGHT = 15;
const LEVEL_INDENT = 16;
const PAGE_NUMBER_WIDTH = 40;
/** Space between the cover's last line and a contents placed below it. */
const COVER_GAP = 48;

export class TableOfContents {
  private readonly entries: ReadonlyMap<string, TocEntry>;
  private readonly pages = new Map<string, number>();
  private firstPage = -1;
  private firstTop = 0;

  public constructor(private readonly list: readonly TocEntry[]) {
    this.entries = new Map(list.map((e) => [e.destination, e]));
  }

  /**
   * Keeps room for the contents: below what is already on the current page (the cover) when every
   * entry fits there, so that a short contents takes no page of its own; else on new pages added here.
   */
  public reserve(doc: Doc): void {
    const below = doc.y + COVER_GAP;
    if (this.pagesOfEntries(doc, below).length === 1) {
      this.firstPage = currentPageIndex(doc);
      this.firstTop = below;
      return;
    }
    const count = this.pagesOfEntries(doc, doc.page.margins.top).length;
    for (let i = 0; i < count; i++) {
      doc.addPage();
      if (i === 0) this.firstPage = currentPageIndex(doc);
    }
    this.firstTop = doc.page.margins.top;
  }

  /** The heading of an entry: recorded on the page it lands on, with a link target and a bookmark. */
  public section(doc: Doc, destination: string, style: TextStyle, text?: string): void {
    const entry = this.entries.get(destination);
    if (!entry) throw new Error(`no contents entry ${destination}`);
    ensureSpace(doc, lineHeight(doc, style) * 3 + 60);
    this.pages.set(destination, currentPageIndex(doc));
    doc.addNamedDestination(destination, 'XYZ', null, doc.y, null);
    doc.outline.addItem(entry.title);
    heading(doc, text ?? entry.title, style);
  }

  /** Fills the reserved pages; every entry must have been placed by then. */
  public draw(doc: Doc): void {
    this.pagesOfEntries(doc, this.firstTop).forEach((entries, i) => {
      doc.switchToPage(this.firstPage + i);
      doc.y = i === 0 ? this.firstTop : doc.page.margins.top;
      if (i === 0) heading(doc, 'Contents', TEXT.h1, 0, 1);
      for (const entry of entries) this.drawEntry(doc, entry);
    });
  }

  private drawEntry(doc: Doc, entry: TocEntry): void {
    const page = this.pages.get(entry.destination);
    if (page === undefined) throw new Error(`contents entry ${entry.destination} was never placed`);
    const style = entry.level === 0 ? TEXT.body : TEXT.small;
    const x = leftEdge(doc) + entry.level * LEVEL_INDENT;
    const y = doc.y;
    const titleWidth = contentWidth(doc) - entry.level * LEVEL_INDENT - PAGE_NUMBER_WIDTH;
    clampedText(doc, entry.title, style, x, y, titleWidth);
    doc.goTo(x, y, titleWidth, ROW_HEIGHT - 3, entry.destination);
    applyStyle(doc, style);
    doc.text(String(page + 1), leftEdge(doc) + contentWidth(doc) - PAGE_NUMBER_WIDTH, y, { width: PAGE_NUMBER_WIDTH, align: 'right', lineBreak: false });
    doc.y = y + ROW_HEIGHT;
  }

  /** The entries of each contents page, the first starting at `firstTop` and also holding the heading. */
  private pagesOfEntries(doc: Doc, firstTop: number): TocEntry[][] {
    const rowsBetween = (top: number): number => Math.floor((bottomEdge(doc) - top) / ROW_HEIGHT);
    const perPage = rowsBetween(doc.page.margins.top);
    const onFirst = Math.max(0, rowsBetween(firstTop) - Math.ceil(lineHeight(doc, TEXT.h1) / ROW_HEIGHT) - 1);
    const pages: TocEntry[][] = [this.list.slice(0, onFirst)];
    for (let i = onFirst; i < this.list.length; i += perPage) pages.push(this.list.slice(i, i + perPage));
    return pages;
  }
}
