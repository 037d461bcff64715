package io.sluice.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One row group's chunk of a flat (top-level, not repeated) primitive column, value by value in row
 * order, decoded page by page without assembling records and handed to a {@link ParquetValueSink}:
 * the definition level says NULL or not, then the value is a dictionary id, comes straight from a
 * PLAIN page's bytes for fixed-width numbers, or from parquet-mr's reader of the page's encoding for
 * everything else (delta, byte-stream-split, RLE booleans, PLAIN binaries). A chunk's dictionary is
 * handed to the sink once, before its first id.
 */
final class ParquetColumn {
    private final ColumnDescriptor descriptor;
    private final PageReader pages;
    private final PrimitiveTypeName physical;
    private final ParquetValueSink sink;
    private final int maxDefinition;
    private Dictionary dictionary;
    /** Values left in the current page, NULLs included. */
    private int left;
    private Levels definitions;
    /** The page's non-NULL values, in order. */
    private PageValues values;

    ParquetColumn(ColumnDescriptor descriptor, PageReader pages, ParquetValueSink sink) {
        this.descriptor = descriptor;
        this.pages = pages;
        this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
        this.sink = sink;
        this.maxDefinition = descriptor.getMaxDefinitionLevel();
    }

    /** Hands the next row's value to the sink. */
    void next() throws IOException {
        while (left == 0) {
            nextPage();
        }
        left--;
        if (maxDefinition > 0 && definitions.next() < maxDefinition) {
            sink.ofNull();
            return;
        }
        values.next();
    }

    private void nextPage() throws IOException {
        DataPage page = pages.readPage();
        if (page == null) {
            throw new ParquetDecodingException("column " + descriptor + " ends before its row group's rows");
        }
        left = page.getValueCount();
        if (page instanceof DataPageV1 v1) {
            ByteBufferInputStream in = v1.getBytes().toInputStream();
            if (descriptor.getMaxRepetitionLevel() > 0) {
                throw new ParquetDecodingException("column " + descriptor + " is repeated");
            }
            ValuesReader levels = v1.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
            levels.initFromPage(left, in);
            definitions = levels::readInteger;
            values(v1.getValueEncoding(), in);
        } else if (page instanceof DataPageV2 v2) {
            if (maxDefinition > 0) {
                RunLengthBitPackingHybridDecoder levels = new RunLengthBitPackingHybridDecoder(
                        BytesUtils.getWidthFromMaxInt(maxDefinition), v2.getDefinitionLevels().toInputStream());
                definitions = levels::readInt;
            }
            values(v2.getDataEncoding(), v2.getData().toInputStream());
        } else {
            throw new ParquetDecodingException("unknown page type " + page.getClass().getName());
        }
    }

    /**
     * The page's values, by a source made for its encoding and type: small methods, each compiled
     * on its own, rather than one method that switches on both for every value.
     */
    private void values(Encoding encoding, ByteBufferInputStream in) throws IOException {
        ParquetValueSink to = sink;
        if (encoding.usesDictionary()) {
            ValuesReader ids = encoding.getDictionaryBasedValuesReader(descriptor, ValuesType.VALUES, dictionary());
            ids.initFromPage(left, in);
            values = () -> to.ofEntry(ids.readValueDictionaryId());
        } else if (encoding == Encoding.PLAIN && physical != PrimitiveTypeName.BOOLEAN && physical != PrimitiveTypeName.BINARY
                && physical != PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && physical != PrimitiveTypeName.INT96) {
            ByteBuffer plain = in.slice(in.available()).order(ByteOrder.LITTLE_ENDIAN);
            values = switch (physical) {
                case INT32 -> () -> to.ofInt(plain.getInt());
                case INT64 -> () -> to.ofLong(plain.getLong());
                case FLOAT -> () -> to.ofFloat(plain.getFloat());
                default -> () -> to.ofDouble(plain.getDouble());
            };
        } else {
            ValuesReader reader = encoding.getValuesReader(descriptor, ValuesType.VALUES);
            reader.initFromPage(left, in);
            values = switch (physical) {
                case INT32 -> () -> to.ofInt(reader.readInteger());
                case INT64 -> () -> to.ofLong(reader.readLong());
                case BOOLEAN -> () -> to.ofBoolean(reader.readBoolean());
                case FLOAT -> () -> to.ofFloat(reader.readFloat());
                case DOUBLE -> () -> to.ofDouble(reader.readDouble());
                case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> () -> to.ofBinary(reader.readBytes());
            };
        }
    }

    /** The chunk's dictionary, read with the first page that needs it and handed to the sink. */
    private Dictionary dictionary() throws IOException {
        if (dictionary == null) {
            DictionaryPage page = pages.readDictionaryPage();
            if (page == null) {
                throw new ParquetDecodingException("column " + descriptor + " has dictionary-encoded pages but no dictionary");
            }
            dictionary = page.getEncoding().initDictionary(descriptor, page);
            sink.dictionary(dictionary);
        }
        return dictionary;
    }

    /** A page's values without their NULLs. */
    @FunctionalInterface
    private interface PageValues {
        void next();
    }

    /** A page's definition levels, one per value. */
    @FunctionalInterface
    private interface Levels {
        int next() throws IOException;
    }
}
