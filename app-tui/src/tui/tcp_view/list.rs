//! Selection and scrolling of a list that is drawn a screenful at a time.

/// The selected row and the first row shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListCursor {
    selected: usize,
    offset: usize,
    /// Rows shown at the last draw (what Page Up/Down move by).
    page: usize,
}

impl ListCursor {
    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn select(&mut self, row: usize, len: usize) {
        self.selected = row.min(len.saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize, len: usize) {
        let row = self.selected.saturating_add_signed(delta);
        self.select(row, len);
    }

    /// The rows to draw in `height` lines: scrolls just enough to keep the
    /// selection in sight.
    pub fn visible(&mut self, height: usize, len: usize) -> std::ops::Range<usize> {
        self.page = height;
        self.select(self.selected, len);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if height > 0 && self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
        self.offset..(self.offset + height).min(len)
    }
}
