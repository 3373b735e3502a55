"""Uploads that stop at a size limit: the backup's import and the story import."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes `limit` bytes, instead of spooling it
    all, and sets `request.upload_too_large` for the view to answer.

    Install it before anything reads the body (the CSRF check does): the view is
    `csrf_exempt` and checks CSRF inside, as Django documents.
    """

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        self.body_length = content_length
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            # Read the rest (so the browser sees the answer) unless it is absurd.
            raise StopUpload(connection_reset=self.body_length > 5 * self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None
