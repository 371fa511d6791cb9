import { Count, Integer } from '../http/response-fields.js';

/** A page of a list: which one, its size, and how many items all the pages hold. */
export class Page {
  @Integer('This page, from 1', { example: 1 }) page!: number;
  @Integer('Items per page', { example: 20 }) pageSize!: number;
  @Count('Items in all pages') total!: number;
}
